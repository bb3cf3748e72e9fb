/**
 * The engine words its hints for the CLI ("add --resend-unknown", "another --out or --name").
 * An agent calling a tool has the tool's arguments instead, so its messages name those: a
 * hint that points at a flag the caller cannot pass is a dead end.
 */
const FLAG_TO_ARGUMENT: readonly (readonly [RegExp, string])[] = [
  [/--resend-unknown\b/g, 'resend_unknown: true'],
  [/(?:a |an )?--name\b/g, 'a name argument'],
  [/--out\b/g, 'out_dir'],
  [/--style\b/g, 'styles'],
];

export function inToolTerms(text: string): string {
  return FLAG_TO_ARGUMENT.reduce((words, [flag, argument]) => words.replace(flag, argument), text);
}
