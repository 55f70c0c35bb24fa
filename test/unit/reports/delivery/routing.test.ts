import { routeRecipients } from '../../../../src/reports/delivery/routing';

const recipients = { 'BR-WEST': ['oeste@example.com'], 'BR-EAST': ['este@example.com', 'east.deputy@example.com'], '*': ['direccion@example.com'] };

describe('recipient routing', () => {
  it("each branch of a burst goes to the channel's to, that branch's recipients and everyone's", () => {
    const to = ['analyst@example.com'];
    expect(routeRecipients(to, recipients, 'BR-WEST')).toEqual(['analyst@example.com', 'oeste@example.com', 'direccion@example.com']);
    expect(routeRecipients(to, recipients, 'BR-EAST')).toEqual(['analyst@example.com', 'este@example.com', 'east.deputy@example.com', 'direccion@example.com']);
    expect(routeRecipients(to, recipients, 'BR-SOUTH')).toEqual(['analyst@example.com', 'direccion@example.com']);
  });

  it("a report of every branch (no burst) goes to the channel's to and everyone's only", () => {
    expect(routeRecipients([], recipients, null)).toEqual(['direccion@example.com']);
  });

  it('an address listed twice, in any case, is one recipient', () => {
    expect(routeRecipients(['Direccion@Example.com'], recipients, 'BR-WEST')).toEqual(['Direccion@Example.com', 'oeste@example.com']);
  });

  it('no to and no recipients is nobody', () => {
    expect(routeRecipients([], {}, 'BR-WEST')).toEqual([]);
  });
});
