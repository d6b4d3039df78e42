import { walkBlocks } from './blocks';
import { sourceOf, type ImportState } from './import.state';
import { readDuration, readTimeLabel, offsetOf } from './readers/duration.reader';
import { slugify, tidy } from './readers/text';
import { linesOf, type Lines, type Section } from './tree';

/** Maps post-launch reviews (follow-ups, retrospectives): "Week 2: Metrics review", "Retro 30 days after launch". */
export function mapReviews(state: ImportState, section: Section): void {
  walkBlocks(
    section.blocks,
    {
      entry: (entry) => {
        addReview(state, entry.text, entry.lines);
        for (const child of entry.children) addReview(state, child.text, child.lines);
      },
      paragraph: (text, lines) => {
        // "review +3d; capacity review +1mo", "Thirty days after … , and at ninety days …": one review a part.
        const parts = text.split(/\s*;\s*|,\s+and\s+/);
        const timed = parts.filter((part) => readTimeLabel(part) ?? readDuration(part));
        for (const part of timed.length > 1 ? timed : [text]) addReview(state, part, lines);
      },
    },
    state.ledger,
  );
  for (const child of section.children) {
    if (child.heading) addReview(state, child.title, linesOf(child.heading));
    mapReviews(state, child);
  }
}

function addReview(state: ImportState, text: string, lines: Lines): void {
  const label = readTimeLabel(text);
  const amount = label ? undefined : readDuration(text);
  const after = label ? offsetOf(label) : amount?.iso;
  const phrase = label ?? amount;
  if (!after || !phrase) return;
  const when = text.slice(phrase.index, phrase.index + phrase.length);
  const title = tidy(
    `${text.slice(0, phrase.index)} ${text.slice(phrase.index + phrase.length)}`
      .replace(/\b(?:after|post)[- ](?:launch|rollout|release|ga)\b|\bafter\b|\blater\b|\(\s*\)/gi, ' ')
      .replace(/\s+/g, ' '),
  );
  state.add(
    state.plan.reviews,
    {
      id: state.ids.reviews.take(slugify(when)),
      title: title === '' ? 'Review' : title,
      after,
      source: sourceOf(lines),
    },
    'reviews',
    lines,
  );
}
