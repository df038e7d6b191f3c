export default function Usage() {
  return (
    <div className="my-auto text-center">
      <h1 className="text-xl font-semibold text-slate-400">AI tokens used, in every room</h1>
      <p data-testid="usage-total" className="mt-4 text-7xl font-black tabular-nums sm:text-9xl">
        0
      </p>
      <p className="mt-4 text-slate-500">
        Nothing counts yet: the AI joins in stage 3, the tally in stage 4.
      </p>
    </div>
  );
}
