/** The stage under test: `npm run test:e2e` sets STAGE for each run. */
export const STAGE = Number(process.env.STAGE ?? 5);
