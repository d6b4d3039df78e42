import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { importMarkdown, parsePlanDocument, serializePlan } from '../../../libs/plan/src';

/** The committed YAML beside each example is exactly what the importer produces today (given no file name). */
const examples = join(__dirname, '../../../examples');

describe('examples', () => {
  const documents = readdirSync(examples).filter((name) => name.endsWith('.md'));

  it('has the two seed plans', () =>
    expect(documents.sort()).toEqual(['admin-panel.md', 'merchant-platform.md']));

  it.each(documents)('%s matches its committed .plan.yaml', (name) => {
    const { plan, report } = importMarkdown(readFileSync(join(examples, name), 'utf8'));
    expect(report.errors).toEqual([]);
    const committed = readFileSync(join(examples, name.replace(/\.md$/, '.plan.yaml')), 'utf8');
    expect(committed).toBe(serializePlan(plan));
    expect(parsePlanDocument(committed).ok).toBe(true);
  });
});
