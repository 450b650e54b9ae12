import type { DOMElement } from 'ink';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { HistoryItem, ProposedPlan } from '../agent/index.js';
import type { ToolDescriber } from './plan-lines.js';
import { useMeasuredHeight } from './use-measured-height.js';
import { riskSettled, settleRisk } from './use-plan-risk.js';

/** A plan card too tall for the live area is printed once above it, in full, where the terminal can scroll to it. */
export type StaticItem = { readonly kind: 'header'; readonly id: string } | { readonly kind: 'card'; readonly id: string; readonly proposal: ProposedPlan } | HistoryItem;

type PrintedCard = { readonly proposal: ProposedPlan; /** How long the history was when it was printed: where it stays. */ readonly at: number };

/**
 * Plan cards taller than the live area: each is printed once into the transcript, in full, and the
 * live area asks for the decision in one box. Measured as laid out (wrapped lines included).
 */
export function usePrintedCards(pending: ProposedPlan | undefined, liveRows: number | undefined, historyLength: number, tools: ToolDescriber) {
  const cardRef = useRef<DOMElement>(null);
  const card = useMeasuredHeight(cardRef);
  const [cards, setCards] = useState<readonly PrintedCard[]>([]);
  const ids = useMemo(() => new Set(cards.map((printed) => printed.proposal.planId)), [cards]);
  // The card grows by each step's risk line once the risk is assessed, a render of the card alone: the height
  // is measured after renders of the caller, so the caller renders again then, or the card would be judged
  // by its height before (a 40-column card a third taller than measured ran off the top of the screen).
  const [, setAssessed] = useState<string>();
  useEffect(() => {
    if (!pending || riskSettled(pending.plan, tools)) return;
    let live = true;
    void settleRisk(pending.plan, tools).then(() => live && setAssessed(pending.planId));
    return () => {
      live = false;
    };
  }, [pending, tools]);
  const tooTall = pending !== undefined && liveRows !== undefined && card.hasMeasured && card.height > liveRows;
  useEffect(() => {
    if (!tooTall || ids.has(pending.planId)) return;
    const print = () => setCards((printed) => (printed.some((p) => p.proposal.planId === pending.planId) ? printed : [...printed, { proposal: pending, at: historyLength }]));
    if (riskSettled(pending.plan, tools)) return print();
    // Printed once: with each step's risk level, so only once that is known.
    let live = true;
    void settleRisk(pending.plan, tools).then(() => live && print());
    return () => {
      live = false;
    };
  }, [tooTall, pending, ids, historyLength, tools]);
  return { cardRef, cards, ids };
}

/** The history with each printed card where it was printed (Static draws only the items past those it has drawn). */
export function withPrintedCards(history: readonly HistoryItem[], cards: readonly PrintedCard[]): StaticItem[] {
  if (cards.length === 0) return [...history];
  const items: StaticItem[] = [];
  let next = 0;
  for (let i = 0; i <= history.length; i++) {
    while (next < cards.length && cards[next]!.at === i) {
      const { proposal } = cards[next++]!;
      items.push({ kind: 'card', id: `card-${proposal.planId}`, proposal });
    }
    if (i < history.length) items.push(history[i]!);
  }
  return items;
}
