import { describe, expect, it } from 'vitest';
import { summarize } from '#core/documents/summary.ts';

describe('summaries', () => {
  it('keep a short lead whole', () => {
    expect(summarize(['A short lead.', 'Second.'], 'en')).toBe('A short lead.');
  });

  it('cut a long English lead at the last sentence that fits', () => {
    const lead = 'First sentence is here. Second sentence is a little longer than the first. Third one.';
    expect(summarize([lead], 'en', 60)).toBe('First sentence is here.');
  });

  it('cut at a word boundary, with an ellipsis, when no sentence fits', () => {
    const summary = summarize(['word '.repeat(100)], 'en', 40);
    expect(summary).toMatch(/^(word )+word…$/);
    expect([...summary].length).toBeLessThanOrEqual(40);
  });

  it('cut Chinese, which has no spaces, between words and within the limit', () => {
    const lead =
      '外交部发言人表示，续签的粮食走廊协议将有助于今冬粮食价格保持稳定，三个港口的检查工作将继续进行，各方将于九月再次会晤并讨论下一步安排';
    const summary = summarize([lead], 'zh', 30);
    expect([...summary].length).toBeLessThanOrEqual(30);
    expect(summary.endsWith('…')).toBe(true);
    const words = [...new Intl.Segmenter('zh', { granularity: 'word' }).segment(lead)].map((s) => s.segment);
    const kept = summary.slice(0, -1);
    const boundaries = new Set<number>();
    let joined = '';
    for (const word of words) {
      joined += word;
      boundaries.add(joined.length);
    }
    expect(boundaries.has(kept.length)).toBe(true);
  });
});
