import { deliveryFailureAlert, evaluateAlerts, failureAlert } from '../../../src/reports/runs/alerts';

const subject = { job: 'exec', title: 'Executive sales report · November 2016', period: '2016-11', branch: null, figures: { revenue: 79411.97, profit: 4011.41, margin: 0.0505, orders: 183 }, previous: { revenue: 59687.75, profit: 16243.14, margin: 0.2721, orders: 105 } };

describe('alert rules', () => {
  it('a figure below its threshold fires, naming the figure, its value and the threshold', () => {
    expect(evaluateAlerts([{ kpi: 'margin', below: 0.1 }], subject)).toEqual([{ key: 'exec||2016-11|margin<0.1', text: 'Executive sales report · November 2016: margin 5.1 %, below 10.0 %.' }]);
  });

  it('a change against the previous report fires below or above its per cent', () => {
    const [fired] = evaluateAlerts([{ kpi: 'profit', changePct: { below: -20 } }], subject);
    expect(fired!.text).toBe('Executive sales report · November 2016: profit $4,011.41, a change of −75.3 % against the previous report, below -20 %.');
    expect(evaluateAlerts([{ kpi: 'revenue', changePct: { below: -20 } }], subject)).toEqual([]);
    expect(evaluateAlerts([{ kpi: 'revenue', changePct: { below: -20 } }], { ...subject, previous: null })).toEqual([]);
  });

  it('a rule that holds does not fire; the same incident has the same key', () => {
    expect(evaluateAlerts([{ kpi: 'orders', above: 1000 }, { kpi: 'revenue', below: 1000 }], subject)).toEqual([]);
    expect(evaluateAlerts([{ kpi: 'margin', below: 0.1 }], subject)[0]!.key).toBe(evaluateAlerts([{ kpi: 'margin', below: 0.1 }], { ...subject, figures: { ...subject.figures, margin: 0.02 } })[0]!.key);
  });

  it('a run that did not publish is one alert with its reason', () => {
    expect(failureAlert({ job: 'exec', title: 'Executive sales report', period: '2017-12', branch: 'BR-WEST', status: 'skipped', why: 'warehouse built 3 days ago; the job allows 2 days (freshness P2D)' })).toEqual({
      key: 'exec|BR-WEST|2017-12|skipped',
      text: 'Executive sales report: the run was skipped: warehouse built 3 days ago; the job allows 2 days (freshness P2D)',
    });
    expect(failureAlert({ job: 'exec', title: 'T', period: null, branch: null, status: 'timed_out', why: 'x' }).text).toBe('T: the run ended timed out: x');
  });

  it('a failed delivery alerts once per channel and run, naming the channel, in the readers\' language', () => {
    const failed = { job: 'exec', title: 'T', period: '2017-12', branch: 'BR-WEST', target: 'email:a@example.com', why: 'connect ECONNREFUSED' };
    expect(deliveryFailureAlert(failed)).toEqual({ key: 'exec|BR-WEST|2017-12|delivery to email:a@example.com failed', text: 'T: the delivery to email:a@example.com failed: connect ECONNREFUSED' });
    expect(deliveryFailureAlert({ ...failed, locale: 'es' }).text).toBe('T: la entrega a email:a@example.com falló: connect ECONNREFUSED');
  });
});
