/** "a" or "an" before a word, for messages that name a kind: "an engine", "a redis". */
export function article(word: string | undefined): string {
  return /^[aeiou]/i.test(word ?? '') ? 'an' : 'a';
}
