import { nextCursor } from './paging';

describe('nextCursor', () => {
  it('reads the cursor of the rel="next" link the tickets list sends', () => {
    expect(nextCursor('</api/tickets?limit=24&q=jazz&cursor=MTIz>; rel="next"')).toBe('MTIz');
    expect(nextCursor('</a?cursor=x>; rel="prev", </b?cursor=y>; rel="next"')).toBe('y');
  });

  it('is null without a next link', () => {
    expect(nextCursor(null)).toBeNull();
    expect(nextCursor('</a?cursor=x>; rel="prev"')).toBeNull();
  });
});
