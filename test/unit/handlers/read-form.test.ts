import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { readForm } from '#handlers/shared/http.ts';

function event(contentType: string, body: Buffer, base64: boolean): APIGatewayProxyEventV2 {
  return {
    headers: { 'Content-Type': contentType },
    body: body.toString(base64 ? 'base64' : 'utf8'),
    isBase64Encoded: base64,
  } as unknown as APIGatewayProxyEventV2;
}

describe('reading an RFC 8058 one-click POST body', () => {
  it('reads application/x-www-form-urlencoded', async () => {
    const form = await readForm(
      event('application/x-www-form-urlencoded', Buffer.from('List-Unsubscribe=One-Click'), false),
    );
    expect(form.get('List-Unsubscribe')).toBe('One-Click');
  });

  it('reads multipart/form-data that API Gateway passed base64-encoded', async () => {
    const boundary = '----herald1234';
    const body = Buffer.from(
      `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`,
    );
    const form = await readForm(event(`multipart/form-data; boundary=${boundary}`, body, true));
    expect(form.get('List-Unsubscribe')).toBe('One-Click');
  });

  it('answers 415 with what to send for any other content type', async () => {
    await expect(readForm(event('application/json', Buffer.from('{}'), false))).rejects.toMatchObject({
      statusCode: 415,
      message: expect.stringMatching(/x-www-form-urlencoded or multipart\/form-data/),
    });
  });
});
