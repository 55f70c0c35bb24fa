import { emailCharts, renderChartImages } from '../../../../src/reports/delivery/charts';

describe('renderChartImages', () => {
  it('reuses the charts the workbook already drew, in the mail order, without drawing them again', () => {
    const drawn = { categories: Buffer.from('categories.png'), trend: Buffer.from('trend.png'), branches: Buffer.from('branches.png') };
    const images = renderChartImages({ trend: '<svg/>', categories: '<svg/>', branches: '<svg/>' }, emailCharts, drawn);
    expect(images).toEqual([
      { name: 'trend', title: emailCharts.trend, png: drawn.trend },
      { name: 'categories', title: emailCharts.categories, png: drawn.categories },
    ]);
  });

  it('leaves out a chart the report does not have', () => {
    const images = renderChartImages({ trend: '<svg/>' }, emailCharts, { trend: Buffer.from('t') });
    expect(images.map((i) => i.name)).toEqual(['trend']);
  });
});
