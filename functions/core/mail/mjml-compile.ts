/** What an MJML compile gives back: the HTML, and strict validation's messages (empty when valid). */
export interface MjmlOutput {
  readonly html: string;
  readonly errors: readonly string[];
}

/**
 * Compiles MJML in this thread, loading mjml on first use. Strict validation's failures (which mjml
 * throws, with every message in `errors`) come back as `errors`, for the caller to name the template.
 */
export async function compileMjmlHere(source: string): Promise<MjmlOutput> {
  const { default: mjml2html } = await import('mjml');
  try {
    const result = await mjml2html(source, { validationLevel: 'strict' });
    return { html: result.html, errors: result.errors.map((error) => error.formattedMessage) };
  } catch (error) {
    const invalid = (error as { errors?: Array<{ formattedMessage: string }> }).errors;
    if (!Array.isArray(invalid) || invalid.length === 0) throw error;
    return { html: '', errors: invalid.map((entry) => entry.formattedMessage) };
  }
}
