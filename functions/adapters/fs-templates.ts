import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { TemplateSource } from '#core/mail/ports.ts';

/** `templates/` beside the code: the repository's folder, or the copy bundled into a Lambda package. */
export class FileTemplateSource implements TemplateSource {
  private readonly dir: string;

  constructor(dir?: string) {
    this.dir = dir ?? fileURLToPath(new URL('../../templates/', import.meta.url));
  }

  read(name: string): Promise<string> {
    return readFile(path.join(this.dir, name), 'utf8');
  }
}
