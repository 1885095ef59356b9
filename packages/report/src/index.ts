/** The fleet's compliance report: one static HTML page. */
export {};
