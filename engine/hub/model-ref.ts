// A Hub model name as users write it: `org/name` or `org/name@revision`.

export interface ModelRef {
  repo: string;
  revision: string;
}

const REPO = /^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._-]*$/;
const REVISION = /^[A-Za-z0-9][A-Za-z0-9._/-]*$/;

/** True when `id` has the shape of a Hub name (it may still also be a relative path). */
export function looksLikeHubId(id: string): boolean {
  const at = id.indexOf('@');
  const repo = at < 0 ? id : id.slice(0, at);
  const revision = at < 0 ? 'main' : id.slice(at + 1);
  return REPO.test(repo) && REVISION.test(revision) && !repo.includes('..');
}

/** Splits `org/name[@revision]`; the Error names the input and what is wrong with it. */
export function parseModelRef(id: string): ModelRef {
  if (!looksLikeHubId(id))
    throw new Error(
      `'${id}' is not a Hugging Face model name: expected org/name or org/name@revision`,
    );
  const at = id.indexOf('@');
  return at < 0
    ? { repo: id, revision: 'main' }
    : { repo: id.slice(0, at), revision: id.slice(at + 1) };
}

export function formatModelRef(ref: ModelRef): string {
  return ref.revision === 'main' ? ref.repo : `${ref.repo}@${ref.revision}`;
}
