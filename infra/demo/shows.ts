/**
 * What the demo sells: venues and the shows on at them. The one place the demo's world is described,
 * so that it can grow into events with venues and dates when the marketplace has them.
 */

export type Kind = 'concert' | 'sports' | 'theatre' | 'comedy' | 'festival';

/**
 * How a kind of room names its seats. `{101-132}` stands for a number and `{A-P}` for a letter in
 * that range; `tier` places the area in the show's price range, 0 the cheapest seats, 1 the best.
 */
export interface SeatArea {
  template: string;
  tier: number;
}

export const seating = {
  stadium: [
    { template: 'Block {101-132} Row {1-30}', tier: 0.8 },
    { template: 'Block {201-250} Row {1-25}', tier: 0.5 },
    { template: 'Block {501-540} Row {1-35}', tier: 0.2 },
    { template: 'Pitch Standing', tier: 0.6 },
  ],
  arena: [
    { template: 'Floor Row {1-6} Seat {1-20}', tier: 0.95 },
    { template: 'Section {101-120} Row {A-T}', tier: 0.7 },
    { template: 'Section {201-230} Row {A-P}', tier: 0.4 },
    { template: 'Section {301-330} Row {A-M}', tier: 0.1 },
  ],
  ground: [
    { template: 'Main Stand Block {A-L} Row {1-40} Seat {1-30}', tier: 0.75 },
    { template: 'Lower Tier Block {101-130} Row {1-25}', tier: 0.5 },
    { template: 'Upper Tier Block {201-240} Row {1-30}', tier: 0.15 },
  ],
  theatre: [
    { template: 'Stalls Row {A-P} Seat {1-30}', tier: 0.75 },
    { template: 'Dress Circle Row {A-H} Seat {1-28}', tier: 0.55 },
    { template: 'Grand Circle Row {A-K} Seat {1-30}', tier: 0.15 },
  ],
  broadway: [
    { template: 'Orchestra Row {A-Y} Seat {101-114}', tier: 0.8 },
    { template: 'Front Mezzanine Row {A-F} Seat {101-114}', tier: 0.6 },
    { template: 'Rear Mezzanine Row {G-N} Seat {1-28}', tier: 0.2 },
  ],
  club: [
    { template: 'Table {1-24}', tier: 0.7 },
    { template: 'Unreserved Seating', tier: 0.05 },
  ],
  field: [
    { template: 'Weekend General Admission', tier: 0.25 },
    { template: 'Weekend Ticket + Camping', tier: 0.5 },
    { template: 'VIP Weekend', tier: 0.95 },
  ],
} satisfies Record<string, readonly SeatArea[]>;

export type Seating = keyof typeof seating;

export interface Venue {
  name: string;
  city: string;
  seating: Seating;
}

export interface Show {
  act: string;
  kind: Kind;
  venue: Venue;
  /** Days from today of each performance, so the demo always shows upcoming dates. */
  daysAhead: readonly number[];
  /** What a ticket resells for, in whole dollars: the cheapest seats to the best ones. */
  price: { min: number; max: number };
}

const venue = (name: string, city: string, seating: Seating): Venue => ({ name, city, seating });

export const venues = {
  wembley: venue('Wembley Stadium', 'London', 'stadium'),
  metlife: venue('MetLife Stadium', 'East Rutherford', 'stadium'),
  o2: venue('The O2', 'London', 'arena'),
  msg: venue('Madison Square Garden', 'New York', 'arena'),
  cryptoArena: venue('Crypto.com Arena', 'Los Angeles', 'arena'),
  anfield: venue('Anfield', 'Liverpool', 'ground'),
  fenway: venue('Fenway Park', 'Boston', 'ground'),
  maimonides: venue('Maimonides Park', 'Brooklyn', 'ground'),
  sondheim: venue('Sondheim Theatre', 'London', 'theatre'),
  gershwin: venue('Gershwin Theatre', 'New York', 'broadway'),
  richardRodgers: venue('Richard Rodgers Theatre', 'New York', 'broadway'),
  comedyCellar: venue('Comedy Cellar', 'New York', 'club'),
  apollo: venue('Hammersmith Apollo', 'London', 'theatre'),
  glastonbury: venue('Worthy Farm', 'Pilton', 'field'),
  coachella: venue('Empire Polo Club', 'Indio', 'field'),
  greenMan: venue('Glanusk Park', 'Crickhowell', 'field'),
} satisfies Record<string, Venue>;

export const shows: readonly Show[] = [
  { act: 'Coldplay', kind: 'concert', venue: venues.wembley, daysAhead: [38, 39, 41], price: { min: 85, max: 420 } },
  { act: 'Taylor Swift', kind: 'concert', venue: venues.metlife, daysAhead: [52, 53], price: { min: 180, max: 900 } },
  { act: 'Arctic Monkeys', kind: 'concert', venue: venues.o2, daysAhead: [24, 25], price: { min: 65, max: 240 } },
  { act: 'Billy Joel', kind: 'concert', venue: venues.msg, daysAhead: [17], price: { min: 95, max: 560 } },
  { act: 'Olivia Rodrigo', kind: 'concert', venue: venues.cryptoArena, daysAhead: [31, 32], price: { min: 70, max: 380 } },
  { act: 'Fontaines D.C.', kind: 'concert', venue: venues.o2, daysAhead: [66], price: { min: 35, max: 95 } },
  { act: 'Liverpool v Arsenal', kind: 'sports', venue: venues.anfield, daysAhead: [12], price: { min: 90, max: 480 } },
  { act: 'Red Sox vs Yankees', kind: 'sports', venue: venues.fenway, daysAhead: [9, 10], price: { min: 28, max: 310 } },
  { act: 'Brooklyn Cyclones vs Hudson Valley', kind: 'sports', venue: venues.maimonides, daysAhead: [3, 4], price: { min: 15, max: 38 } },
  { act: 'Knicks vs Celtics', kind: 'sports', venue: venues.msg, daysAhead: [6], price: { min: 60, max: 750 } },
  { act: 'Lakers vs Warriors', kind: 'sports', venue: venues.cryptoArena, daysAhead: [15], price: { min: 55, max: 690 } },
  { act: 'Hamilton', kind: 'theatre', venue: venues.richardRodgers, daysAhead: [8, 22, 29], price: { min: 89, max: 450 } },
  { act: 'Wicked', kind: 'theatre', venue: venues.gershwin, daysAhead: [5, 19], price: { min: 59, max: 260 } },
  { act: 'Les Misérables', kind: 'theatre', venue: venues.sondheim, daysAhead: [11, 26], price: { min: 25, max: 150 } },
  { act: 'John Mulaney', kind: 'comedy', venue: venues.apollo, daysAhead: [20], price: { min: 38, max: 140 } },
  { act: 'Late Show Stand-up', kind: 'comedy', venue: venues.comedyCellar, daysAhead: [2, 3, 4], price: { min: 15, max: 45 } },
  { act: 'Glastonbury Festival', kind: 'festival', venue: venues.glastonbury, daysAhead: [80], price: { min: 340, max: 620 } },
  { act: 'Coachella Weekend 1', kind: 'festival', venue: venues.coachella, daysAhead: [95], price: { min: 499, max: 890 } },
  { act: 'Green Man Festival', kind: 'festival', venue: venues.greenMan, daysAhead: [73], price: { min: 120, max: 290 } },
];
