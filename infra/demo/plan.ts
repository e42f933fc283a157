import { buyers, sellers } from './people';
import { SeededRandom } from './random';
import { seating, shows, type SeatArea, type Show } from './shows';

export interface PlannedListing {
  seller: string;
  title: string;
  /** Every price the seller asks, in cents, first to last: more than one is a price history. */
  pricesCents: number[];
  /** Who orders it: `pays` sells it, otherwise the order holds it until it expires. */
  buyer?: { email: string; pays: boolean };
}

export interface DemoPlan {
  sellers: readonly string[];
  buyers: readonly string[];
  listings: PlannedListing[];
}

export interface PlanCounts {
  listings: number;
  /** Listings whose seller changes the price 2–4 times. */
  repriced: number;
  sold: number;
  /** At most one per buyer, so no buyer nears the cap on unpaid orders. */
  held: number;
}

export const defaultCounts: PlanCounts = { listings: 60, repriced: 16, sold: 14, held: 4 };

const MIN_PRICE_CENTS = 1500;
const MAX_PRICE_DOLLARS = 900;
const dayFormat = new Intl.DateTimeFormat('en-GB', { weekday: 'short', day: 'numeric', month: 'short', timeZone: 'UTC' });
const DAY_MS = 86_400_000;

/** The whole demo, decided up front from the seed: the same seed and day make the same marketplace. */
export function planDemo(seed: number, today: Date, counts: PlanCounts = defaultCounts): DemoPlan {
  const random = new SeededRandom(seed);
  const listings: PlannedListing[] = [];
  let round: Show[] = [];
  for (let i = 0; i < counts.listings; i++) {
    // Every show comes round once before any comes round again.
    if (round.length === 0) round = random.shuffled(shows);
    const show = round.pop()!;
    const area = random.pick<SeatArea>(seating[show.venue.seating]);
    const date = dayFormat.format(new Date(today.getTime() + random.pick(show.daysAhead) * DAY_MS));
    listings.push({
      seller: sellers[i % sellers.length]!,
      title: `${show.act} — ${show.venue.name}, ${date}, ${fillSeat(area.template, random)}`,
      pricesCents: [askingPrice(show, area, random)],
    });
  }
  // Overlapping picks: some sold listings had their price cut first, as on a real marketplace.
  const picks = random.shuffled(listings);
  const soldFrom = Math.floor(counts.repriced * 0.6);
  for (const listing of picks.slice(0, counts.repriced)) repriceRepeatedly(listing, random);
  picks.slice(soldFrom, soldFrom + counts.sold).forEach((listing, k) => {
    listing.buyer = { email: buyers[k % buyers.length]!, pays: true };
  });
  const heldFrom = soldFrom + counts.sold;
  picks.slice(heldFrom, heldFrom + Math.min(counts.held, buyers.length)).forEach((listing, k) => {
    listing.buyer = { email: buyers[k]!, pays: false };
  });
  return { sellers, buyers, listings };
}

/** Replaces each `{101-132}` with a number and each `{A-P}` with a letter in that range. */
function fillSeat(template: string, random: SeededRandom): string {
  return template.replace(/\{(\w+)-(\w+)\}/g, (_, from: string, to: string) => {
    if (/^\d+$/.test(from)) return String(random.int(Number(from), Number(to)));
    return String.fromCharCode(random.int(from.charCodeAt(0), to.charCodeAt(0)));
  });
}

/** A price in the show's range, placed by the seats' tier and a little chance, with believable cents. */
function askingPrice(show: Show, area: SeatArea, random: SeededRandom): number {
  const position = Math.min(1, Math.max(0, area.tier + (random.fraction() - 0.5) * 0.3));
  return withCents(show.price.min + (show.price.max - show.price.min) * position, show.price.max, random);
}

/** Whole dollars with the cents resellers use (.00, .50, .99, …), never above `maxDollars`. */
function withCents(dollars: number, maxDollars: number, random: SeededRandom): number {
  const whole = Math.min(Math.round(dollars), maxDollars);
  const cents = whole >= maxDollars ? 0 : random.pick([0, 0, 0, 50, 99, 25, 75]);
  return Math.max(MIN_PRICE_CENTS, whole * 100 + cents);
}

/** Two to four edits: mostly cuts while the ticket does not sell, now and then a rise. */
function repriceRepeatedly(listing: PlannedListing, random: SeededRandom): void {
  const edits = random.int(2, 4);
  for (let e = 0; e < edits; e++) {
    const last = listing.pricesCents[listing.pricesCents.length - 1]!;
    const change = random.fraction() < 0.25 ? 1.05 + random.fraction() * 0.1 : 0.85 + random.fraction() * 0.11;
    const next = withCents((last / 100) * change, MAX_PRICE_DOLLARS, random);
    // An edit to the same price would be no edit at all.
    listing.pricesCents.push(next !== last ? next : last > MIN_PRICE_CENTS ? last - 50 : last + 50);
  }
}
