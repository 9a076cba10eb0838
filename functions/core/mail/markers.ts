/** HTML-escapes text for element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"'`=]/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** The comments that only mark places for Herald (personal links, article segments) leave the sent mail. */
export function stripMarkerComments(html: string): string {
  return html.replace(/<!--herald-[\w-]+-->/g, '');
}
