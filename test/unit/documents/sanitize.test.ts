import { describe, expect, it } from 'vitest';
import { parseDocument } from '#core/documents/parse-document.ts';
import { sanitizeBody } from '#core/documents/sanitize.ts';

describe('document HTML reaching a template', () => {
  it('loses scripts, event handlers, styles and forms', () => {
    const clean = sanitizeBody(
      '<p onclick="steal()" style="position:fixed">Hi<script>alert(1)</script><style>p{}</style></p><form><input name=x></form><iframe src="https://x"></iframe>',
    );
    expect(clean).toBe('<p>Hi</p>');
  });

  it('keeps https: and mailto: links only', () => {
    expect(sanitizeBody('<a href="https://example.org/a">a</a>')).toBe(
      '<a href="https://example.org/a" rel="noopener noreferrer">a</a>',
    );
    expect(sanitizeBody('<a href="mailto:press@example.org">m</a>')).toContain(
      'href="mailto:press@example.org"',
    );
    for (const href of [
      'javascript:alert(1)',
      'http://example.org',
      'data:text/html,x',
      '//evil.example/x',
      'vbscript:x',
    ]) {
      expect(sanitizeBody(`<a href="${href}">x</a>`)).not.toContain('href');
    }
  });

  it('cannot smuggle MJML in', () => {
    const clean = sanitizeBody(
      '<mj-include path="/etc/passwd"></mj-include><mj-raw><b>raw</b></mj-raw><mj-text>text</mj-text>',
    );
    expect(clean).toBe('text');
    // Self-closing custom tags are not self-closing in HTML: what follows is dropped with them.
    expect(sanitizeBody('<mj-include path="/etc/passwd" /><p>after</p>')).not.toMatch(/mj-|passwd/);
  });

  it('applies to Markdown, whose raw HTML passes through the Markdown parser', () => {
    const doc = parseDocument(
      'a.md',
      '---\ntitle: T\ndate: 2026-01-01 10:00\nlang: en\n---\nHello <img src=x onerror=alert(1)> [link](javascript:alert(1)) **bold**\n',
      undefined,
      'UTC',
    );
    expect(doc.bodyHtml).not.toMatch(/img|onerror|javascript|href/);
    expect(doc.bodyHtml).toContain('<strong>bold</strong>');
  });

  it('keeps a <script> in a title as plain text (the template escapes it)', () => {
    const doc = parseDocument(
      'a.json',
      JSON.stringify({
        title: '<script>alert(1)</script> Visit',
        date: '2026-01-01',
        lang: 'en',
        paragraphs: ['x'],
      }),
      undefined,
      'UTC',
    );
    expect(doc.title).toBe('<script>alert(1)</script> Visit');
  });
});
