/**
 * The page's only stylesheet, inlined so the report is one self-contained file. System fonts
 * only (nothing to fetch); status is written as text and colour, so it survives printing in black and white.
 */
export const REPORT_STYLES = `
:root { color-scheme: light; --fg: #1f2328; --muted: #59636e; --line: #d1d9e0; --bg-alt: #f6f8fa; --pass: #1a7f37; --pass-bg: #dafbe1; --fail: #cf222e; --fail-bg: #ffebe9; --warn-bg: #fff8c5; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", "Noto Sans", "DejaVu Sans", sans-serif; color: var(--fg); background: #fff; }
main { max-width: 1280px; margin: 0 auto; padding: 24px 32px 48px; }
header { border-bottom: 2px solid var(--line); margin-bottom: 24px; padding-bottom: 12px; }
h1 { font-size: 28px; margin: 0 0 4px; }
h2 { font-size: 22px; margin: 40px 0 12px; padding-bottom: 4px; border-bottom: 1px solid var(--line); }
h3 { font-size: 17px; margin: 28px 0 8px; }
p { margin: 6px 0; }
code, .mono { font-family: ui-monospace, "SFMono-Regular", "DejaVu Sans Mono", Menlo, Consolas, monospace; font-size: 12.5px; }
.muted { color: var(--muted); }
.summary { display: flex; flex-wrap: wrap; gap: 12px; margin: 16px 0 0; padding: 0; list-style: none; }
.summary li { border: 1px solid var(--line); border-radius: 6px; padding: 8px 14px; min-width: 150px; background: var(--bg-alt); }
.summary strong { display: block; font-size: 22px; }
nav ul { margin: 8px 0 0; padding-left: 20px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; margin: 8px 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 16px; }
th, td { border: 1px solid var(--line); padding: 5px 8px; text-align: left; vertical-align: top; }
/* paths and URLs may break anywhere so a long one never widens the page; words keep whole */
td code { overflow-wrap: anywhere; }
td code.nowrap { white-space: nowrap; overflow-wrap: normal; }
th { background: var(--bg-alt); font-weight: 600; }
tbody tr:nth-child(even) td { background: #fbfcfd; }
td ul { margin: 0; padding-left: 18px; }
.status { white-space: nowrap; display: inline-block; min-width: 44px; text-align: center; font-weight: 700; border-radius: 10px; padding: 0 8px; }
.status-pass { color: var(--pass); background: var(--pass-bg); }
.status-fail { color: var(--fail); background: var(--fail-bg); }
.status-weakened { color: #9a6700; background: var(--warn-bg); }
tr.fail td { background: var(--fail-bg); }
tr.weakened td { background: var(--warn-bg); }
.notice { border: 1px solid var(--line); border-left: 4px solid var(--muted); padding: 8px 12px; background: var(--bg-alt); margin: 8px 0; }
.notice.bad { border-left-color: var(--fail); background: var(--fail-bg); }
.notice.good { border-left-color: var(--pass); background: var(--pass-bg); }
.notice.warn { border-left-color: #9a6700; background: var(--warn-bg); }
details summary { cursor: pointer; color: var(--muted); }
footer { margin-top: 40px; color: var(--muted); font-size: 12px; }
@media print { main { max-width: none; padding: 0; } h2 { break-before: page; } table { break-inside: auto; } tr { break-inside: avoid; } }
`;
