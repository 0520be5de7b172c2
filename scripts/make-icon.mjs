// Renders the Marketplace icon, media/icon.png (128×128 PNG, as the Marketplace asks), from
// media/icon.svg with sharp. Run after editing the SVG: node scripts/make-icon.mjs
import sharp from 'sharp';

const info = await sharp('media/icon.svg', { density: 72 })
  .resize(128, 128)
  .png({ compressionLevel: 9, palette: true })
  .toFile('media/icon.png');
console.log(`media/icon.png: ${info.width}x${info.height}, ${info.size} bytes`);
