// Images as the remote server wants them: base64 data URLs, downscaled so the longer side
// fits `maxSide` (a 4K frame would cost thousands of vision tokens and megabytes of JSON).
import sharp from 'sharp';
import type { OutputInfo, Sharp } from 'sharp';
import type { ChatImage } from '../openai/backend';

export interface ImageEncoding {
  maxSide: number;
  format: 'jpeg' | 'png';
  jpegQuality: number;
}

export interface EncodedDataUrl {
  url: string;
  width: number;
  height: number;
  bytes: number;
}

function open(image: ChatImage): Sharp {
  if (image.kind === 'raw') {
    const expected = image.width * image.height * image.channels;
    if (image.data.length !== expected)
      throw new Error(
        `raw image of ${image.width}x${image.height}x${image.channels} needs ${expected} bytes, got ${image.data.length}`,
      );
    return sharp(image.data, {
      raw: { width: image.width, height: image.height, channels: image.channels },
    });
  }
  return sharp(image.bytes).rotate();
}

export async function encodeImageDataUrl(
  image: ChatImage,
  encoding: ImageEncoding,
): Promise<EncodedDataUrl> {
  let pipeline = open(image).resize({
    width: encoding.maxSide,
    height: encoding.maxSide,
    fit: 'inside',
    withoutEnlargement: true,
  });
  pipeline =
    encoding.format === 'png'
      ? pipeline.png()
      : pipeline.flatten({ background: '#ffffff' }).jpeg({ quality: encoding.jpegQuality });
  let out: { data: Buffer; info: OutputInfo };
  try {
    out = await pipeline.toBuffer({ resolveWithObject: true });
  } catch (error) {
    throw new Error(`cannot encode the image for the remote server: ${(error as Error).message}`);
  }
  return {
    url: `data:image/${encoding.format};base64,${out.data.toString('base64')}`,
    width: out.info.width,
    height: out.info.height,
    bytes: out.data.length,
  };
}
