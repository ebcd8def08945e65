// `--help` in the user's language. The English words stay where they are written, beside each
// command's options (so that a command's help is read and changed in one place); the Russian and
// Kyrgyz ones are looked up by that English text in the command group's namespace file
// (locales/<group>.json, under "help"), then in commands.json and common.json. Keyed by the English itself: when a
// command's English changes, its stale translation stops matching and the new English shows,
// rather than a translation of what the option used to do.
import { Help, type Argument, type Command, type Option } from 'commander';
import { CATALOGS } from './catalogs.ts';
import { cliLanguage, t } from './index.ts';

/** The translation of help text `english` for the command group `group` in `lang`; undefined when none. */
export function helpText(group: string, english: string, lang = cliLanguage()): string | undefined {
  if (lang === 'en') return undefined;
  for (const ns of [group, 'commands', 'common']) {
    const help = (CATALOGS[ns]?.[lang] as { help?: Record<string, string> } | undefined)?.help;
    const hit = help?.[english];
    if (typeof hit === 'string') return hit;
  }
  return undefined;
}

/**
 * Replaces, in the current language, the description of `program` and of every command under it,
 * of their arguments and options, by their translations (helpText); text with no translation is
 * left as it is. English does nothing. Commands another module translated itself are untouched
 * (their text is no longer the English key).
 */
export function localizeHelp(program: Command): void {
  const lang = cliLanguage();
  if (lang === 'en') return;
  const walk = (cmd: Command, group: string): void => {
    const tr = (s: string) => (s ? helpText(group, s, lang) ?? s : s);
    cmd.description(tr(cmd.description()));
    for (const a of cmd.registeredArguments) a.description = tr(a.description);
    for (const o of cmd.options) o.description = tr(o.description);
    cmd.helpOption('-h, --help', t('common:helpDisplay'));
    if (cmd.commands.length) cmd.helpCommand('help [command]', t('common:helpDisplay'));
    for (const c of cmd.commands) walk(c, group || c.name());
  };
  walk(program, '');
}

/**
 * Commander's description of an option or argument with its trailing "(default: …, choices: …,
 * preset: …, env: …)" clause, the clause's labels in the current language (f15b:helpClause.*);
 * the values themselves are the program's and stay as they are.
 */
export function translateClause(description: string, full: string): string {
  if (cliLanguage() === 'en' || !full.startsWith(description)) return full;
  const clause = full.slice(description.length).replace(/(^ ?\(|, )(default|choices|preset|env): /gu, (_m, lead: string, label: string) => `${lead}${t(`f15b:helpClause.${label}`)}: `);
  return description + clause;
}

/** Commander's own words ("Usage:", "Options:", "(default: …)", …) in the current language, for configureHelp. */
export function helpConfiguration(): Partial<Help> {
  return {
    optionDescription(this: Help, option: Option) {
      return translateClause(option.description ?? '', Help.prototype.optionDescription.call(this, option));
    },
    argumentDescription(this: Help, argument: Argument) {
      return translateClause(argument.description ?? '', Help.prototype.argumentDescription.call(this, argument));
    },
    styleTitle: (title: string) => {
      const key = ({ 'Usage:': 'usage', 'Options:': 'options', 'Commands:': 'commands', 'Arguments:': 'arguments', 'Global Options:': 'globalOptions' } as Record<string, string>)[title];
      return key ? t(`common:helpTitle.${key}`) : title;
    },
  };
}
