/** Public URLs of Herald's pages, from the configured base URL. */
export function pageUrl(base: string, path: string): string {
  return new URL(path.replace(/^\//, ''), base.endsWith('/') ? base : `${base}/`).toString();
}

/** The neutral web version of an article in one language: no reader's token, safe to forward. */
export function articleUrl(base: string, articleId: string, lang: string): string {
  return pageUrl(base, `articles/${encodeURIComponent(articleId)}/${lang}`);
}
