import type { PromptQuestion } from '../io.js';
import { UsageError } from '../io.js';
import { INIT_QUESTIONS, type InitAnswers, type QuestionContext, questionSource } from './init-questions.js';

export interface ResolveAnswersProps {
  /** Values given as flags, by question id. */
  readonly flags: Readonly<Record<string, string | undefined>>;
  readonly context: QuestionContext;
  /** Asks the person at the terminal. @default none: missing answers fail the run */
  readonly prompt?: (question: PromptQuestion) => Promise<string>;
}

/**
 * Goes through the onboarding form in order: a flag (or, for a credential, its environment
 * variable) answers a question; otherwise the prompt asks, offering the default; without a prompt
 * the default is taken. Answers steer later questions (a service cluster is asked for its
 * identity provider, say). Every question left without an answer is reported at once.
 * @throws UsageError naming every missing flag or environment variable, and every answer that is not one of its choices
 */
export async function resolveAnswers(props: ResolveAnswersProps): Promise<InitAnswers> {
  const answers: Record<string, string> = {};
  const missing: string[] = [];
  const invalid: string[] = [];
  for (const q of INIT_QUESTIONS) {
    if (q.when && !q.when(answers)) continue;
    const given = q.secret ? props.context.env[q.env!] : props.flags[q.id];
    const suggested = q.default?.(answers, props.context);
    let value = given?.trim();
    if (value === undefined || value === '') {
      if (props.prompt && (!q.secret || !given)) {
        value = (
          await props.prompt({
            message: q.message,
            ...(suggested ? { default: suggested } : {}),
            ...(q.choices ? { choices: q.choices } : {}),
            ...(q.secret ? { secret: true } : {}),
          })
        ).trim();
        if (value === '' && suggested) value = suggested;
      } else {
        value = suggested;
      }
    }
    if (value === undefined || value === '') {
      if (!q.optional) missing.push(questionSource(q));
      continue;
    }
    if (q.choices && !q.choices.includes(value)) {
      invalid.push(`${questionSource(q)} "${value}" is not allowed; allowed: ${q.choices.join(', ')}`);
      continue;
    }
    answers[q.id] = value;
  }
  const problems = [...invalid, ...(missing.length > 0 ? [`missing answers; pass ${missing.join(', ')} (or run in a terminal to be asked)`] : [])];
  if (problems.length > 0) throw new UsageError(problems.join('\n'));
  return answers;
}
