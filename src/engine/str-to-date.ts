// STR_TO_DATE as MariaDB reads a string by a format: the format's specifiers consume the input
// left to right (numbers of their width, month and day names, AM/PM), other characters must
// match (a blank matches any run of blanks), and the result is a DATE, TIME or DATETIME by the
// kinds of specifiers in the format (`strToDateKind`, which the result column's type follows).

export type StrToDateKind = 'date' | 'time' | 'datetime';

const DATE_SPECIFIERS = new Set(['Y', 'y', 'm', 'c', 'd', 'e', 'D', 'M', 'b', 'j', 'a', 'W']);
const TIME_SPECIFIERS = new Set(['H', 'k', 'h', 'I', 'l', 'i', 's', 'S', 'f', 'p', 'r', 'T']);

const MONTHS = [
  'january',
  'february',
  'march',
  'april',
  'may',
  'june',
  'july',
  'august',
  'september',
  'october',
  'november',
  'december',
];

/** The kind of value a format makes: DATETIME when it has date and time specifiers. */
export function strToDateKind(format: string): StrToDateKind {
  let date = false;
  let time = false;
  for (let i = 0; i < format.length - 1; i++) {
    if (format[i] !== '%') continue;
    const k = format[++i]!;
    if (DATE_SPECIFIERS.has(k)) date = true;
    if (TIME_SPECIFIERS.has(k)) time = true;
  }
  return time && !date ? 'time' : time ? 'datetime' : 'date';
}

interface Parts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  micro: number;
  pm: boolean | null;
  fraction: boolean;
}

/** Reads `input` by `format`; null when it does not fit (MariaDB's NULL with warning 1411). */
export function strToDate(input: string, format: string): string | null {
  const p: Parts = {
    year: 0,
    month: 0,
    day: 0,
    hour: 0,
    minute: 0,
    second: 0,
    micro: 0,
    pm: null,
    fraction: false,
  };
  let at = 0;
  for (let i = 0; i < format.length; i++) {
    const ch = format[i]!;
    if (ch !== '%' || i === format.length - 1) {
      if (/\s/.test(ch)) {
        while (at < input.length && /\s/.test(input[at]!)) at++;
        continue;
      }
      if (input[at] !== ch) return null;
      at++;
      continue;
    }
    const next = readSpecifier(format[++i]!, input, at, p);
    if (next === null) return null;
    at = next;
  }
  return finish(p, strToDateKind(format));
}

function readNumber(input: string, at: number, width: number): [number, number] | null {
  let end = at;
  if (input[end] === '-' || input[end] === '+') return null;
  while (end < input.length && end - at < width && input[end]! >= '0' && input[end]! <= '9') end++;
  return end === at ? null : [Number(input.slice(at, end)), end];
}

function readWord(input: string, at: number): [string, number] {
  let end = at;
  while (end < input.length && /[A-Za-z]/.test(input[end]!)) end++;
  return [input.slice(at, end).toLowerCase(), end];
}

// One specifier at `at`: the position after what it read, or null.
function readSpecifier(k: string, input: string, at: number, p: Parts): number | null {
  const number = (width: number, set: (n: number) => void): number | null => {
    const read = readNumber(input, at, width);
    if (read === null) return null;
    set(read[0]);
    return read[1];
  };
  switch (k) {
    case 'Y':
      return number(4, (n) => (p.year = n));
    case 'y':
      return number(2, (n) => (p.year = n < 70 ? 2000 + n : 1900 + n));
    case 'm':
    case 'c':
      return number(2, (n) => (p.month = n));
    case 'd':
    case 'e':
      return number(2, (n) => (p.day = n));
    case 'D': {
      const end = number(2, (n) => (p.day = n));
      return end === null ? null : readWord(input, end)[1];
    }
    case 'H':
    case 'k':
    case 'h':
    case 'I':
    case 'l':
      return number(2, (n) => (p.hour = n));
    case 'i':
      return number(2, (n) => (p.minute = n));
    case 's':
    case 'S':
      return number(2, (n) => (p.second = n));
    case 'f': {
      p.fraction = true;
      const read = readNumber(input, at, 6);
      if (read === null) return null;
      p.micro = Number(input.slice(at, read[1]).padEnd(6, '0'));
      return read[1];
    }
    case 'j':
      return number(3, () => undefined);
    default:
      return readNamed(k, input, at, p);
  }
}

function readNamed(k: string, input: string, at: number, p: Parts): number | null {
  switch (k) {
    case 'M':
    case 'b': {
      const [word, end] = readWord(input, at);
      const month = MONTHS.findIndex((m) => (k === 'M' ? m === word : m.slice(0, 3) === word));
      if (month < 0) return null;
      p.month = month + 1;
      return end;
    }
    case 'a':
    case 'W':
      return readWord(input, at)[1];
    case 'p': {
      const [word, end] = readWord(input, at);
      if (word !== 'am' && word !== 'pm') return null;
      p.pm = word === 'pm';
      return end;
    }
    case 'r':
    case 'T': {
      let end: number | null = at;
      for (const [i, set] of [
        (n: number) => (p.hour = n),
        (n: number) => (p.minute = n),
        (n: number) => (p.second = n),
      ].entries()) {
        if (i > 0) {
          if (input[end] !== ':') return null;
          end++;
        }
        const read = readNumber(input, end, 2);
        if (read === null) return null;
        set(read[0]);
        end = read[1];
      }
      if (k === 'r') {
        while (end < input.length && input[end] === ' ') end++;
        return readNamed('p', input, end, p);
      }
      return end;
    }
    case '%':
      return input[at] === '%' ? at + 1 : null;
    default:
      // Week specifiers (%U %u %V %v %X %x) and others: not read here.
      return null;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');

function finish(p: Parts, kind: StrToDateKind): string | null {
  if (p.pm !== null) {
    if (p.hour < 1 || p.hour > 12) return null;
    p.hour = (p.hour % 12) + (p.pm ? 12 : 0);
  }
  if (p.month > 12 || p.day > 31 || p.hour > 23 || p.minute > 59 || p.second > 59) return null;
  const date = `${pad(p.year, 4)}-${pad(p.month)}-${pad(p.day)}`;
  const time =
    `${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}` + (p.fraction ? `.${pad(p.micro, 6)}` : '');
  if (kind === 'date') return date;
  return kind === 'time' ? time : `${date} ${time}`;
}
