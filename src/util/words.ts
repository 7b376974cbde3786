/** "a" or "an" before a word, for messages that name a kind: "an engine", "a redis". */
export function article(word: string | undefined): string {
  return /^[aeiou]/i.test(word ?? '') ? 'an' : 'a';
}

/** Words into lines of at most `width` characters (a longer word gets a line of its own). */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines;
}
