import { InvalidArgumentError } from 'commander';

/**
 * A parser for a numeric option: the whole value must be a number in [min, max] (an integer when asked),
 * or commander reports `option '--rate <perSecond>' argument 'fast' is invalid. …` and exits with 1.
 */
export function numberIn(min: number, max: number, { integer = false } = {}): (value: string) => number {
  return (value) => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(number) || (integer && !Number.isInteger(number)) || number < min || number > max)
      throw new InvalidArgumentError(
        `it must be ${integer ? 'a whole number' : 'a number'} from ${min.toLocaleString('en')} to ${max.toLocaleString('en')}.`,
      );
    return number;
  };
}
