import { describe, expect, it } from 'vitest';
import { formatIssue, placementOf, type Plan, type ToolCallStep } from '../../src/planning/index.js';
import { validate } from '../helpers/catalog.js';

describe('runsOn', () => {
  it('accepts a label list on a step and an object with each; the plan default applies to steps without their own', () => {
    const result = validate({
      goal: 'g',
      runsOn: ['build'],
      steps: [
        { id: 'a', tool: 'shell', args: { command: 'true' } },
        { id: 'b', tool: 'shell', args: { command: 'true' }, runsOn: ['web', 'eu', 'web'] },
        { id: 'c', tool: 'shell', args: { command: 'true' }, runsOn: { labels: ['web'], each: true } },
      ],
    });
    expect(result.issues.map(formatIssue)).toEqual([]);
    const plan = result.plan as Plan;
    const steps = plan.steps as ToolCallStep[];
    expect(placementOf(steps[0]!, plan)).toEqual({ labels: ['build'], each: false });
    expect(placementOf(steps[1]!, plan)).toEqual({ labels: ['eu', 'web'], each: false });
    expect(placementOf(steps[2]!, plan)).toEqual({ labels: ['web'], each: true });
    expect(placementOf(steps[0]!, { ...plan, runsOn: undefined })).toEqual({ labels: [], each: false });
  });

  it('rejects bad labels and unknown fields with their path', () => {
    const result = validate({
      goal: 'g',
      steps: [
        { id: 'a', tool: 'shell', args: { command: 'true' }, runsOn: ['Web:1'] },
        { id: 'b', tool: 'shell', args: { command: 'true' }, runsOn: { labels: ['web'], every: true } },
      ],
    });
    const text = result.issues.map(formatIssue).join('\n');
    expect(text).toMatch(/steps\[0\]\.runsOn/);
    expect(text).toMatch(/steps\[1\]\.runsOn/);
  });

  it('too many labels says so (not "Invalid input"), as a list or under labels', () => {
    const six = ['a', 'b', 'c', 'd', 'e', 'f'];
    const result = validate({
      goal: 'g',
      steps: [
        { id: 'a', tool: 'shell', args: { command: 'true' }, runsOn: six },
        { id: 'b', tool: 'shell', args: { command: 'true' }, runsOn: { labels: six, each: true } },
      ],
    });
    expect(result.issues.map(formatIssue)).toEqual(['steps[0].runsOn: at most 5 labels', 'steps[1].runsOn.labels: at most 5 labels']);
  });

  it('a label where a list goes says what runsOn takes (not "Invalid input"), for a step or the plan', () => {
    const result = validate({ goal: 'g', runsOn: 'build', steps: [{ id: 'a', tool: 'shell', args: { command: 'true' }, runsOn: 'web' }] });
    const shape = '(a list of labels, [web], or { labels: [web], each: true })';
    expect(result.issues.map(formatIssue).sort()).toEqual([`runsOn: expected array or object, got string "build" ${shape}`, `steps[0].runsOn: expected array or object, got string "web" ${shape}`]);
  });
});
