// @ts-check
/**
 * What Settings says about the key's usage (`GET /v1/usage`): its budget
 * this period and what is left, or, without a budget, what it has used
 * this month. Plain text, built here so that the dialog only places it.
 */
export function describeUsage(report) {
  const caller = report?.caller;
  if (!caller) return undefined;
  const number = (n) => Number(n).toLocaleString();
  const budget = caller.budget;
  if (budget) {
    const resets = new Date(budget.resets_at).toLocaleString();
    return {
      title: `Key “${caller.name}”`,
      detail:
        `${number(budget.used)} of ${number(budget.tokens)} tokens used this ${budget.period}; ` +
        `${number(budget.remaining)} left. Resets ${resets}.`,
      spent: budget.remaining <= 0,
    };
  }
  const totals = report.totals ?? { total_tokens: 0, requests: 0 };
  return {
    title: `Key “${caller.name}”`,
    detail: `${number(totals.total_tokens)} tokens in ${number(totals.requests)} requests this month; no budget set.`,
    spent: false,
  };
}

/** Fills the Settings section with the key's usage, or hides it when the server cannot say. */
export async function showUsage(section, load) {
  section.hidden = true;
  let described;
  try {
    described = describeUsage(await load());
  } catch {
    return;
  }
  if (!described) return;
  section.querySelector('[data-usage-title]').textContent = described.title;
  section.querySelector('[data-usage-detail]').textContent = described.detail;
  section.classList.toggle('key-usage-spent', described.spent);
  section.hidden = false;
}
