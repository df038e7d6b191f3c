import ReactMarkdown, { type Components } from "react-markdown";
import remend from "remend";

// Raw HTML in the text stays text (react-markdown's default). Links open a new tab and tell the
// other site nothing; images become links, as the page loads no image from elsewhere (its CSP).
const COMPONENTS: Components = {
  a: ({ href, children }) => (
    <a href={href} target="_blank" rel="noopener noreferrer">
      {children}
    </a>
  ),
  img: ({ src, alt }) => (
    <a href={typeof src === "string" ? src : undefined} target="_blank" rel="noopener noreferrer">
      {alt || "image"}
    </a>
  ),
};

const STYLE =
  "whitespace-normal [&_a]:text-sky-300 [&_a]:underline [&_code]:font-mono [&_ol]:list-decimal " +
  "[&_pre]:overflow-x-auto [&_ul]:list-disc [&_:is(ol,ul)]:pl-6 [&>*+*]:mt-2";

/** An AI reply's markdown. While it streams, open marks (`**bo`) are closed, so none flickers. */
export function Markdown({ text, streaming }: { text: string; streaming?: boolean }) {
  return (
    <div className={STYLE}>
      <ReactMarkdown components={COMPONENTS}>{streaming ? remend(text) : text}</ReactMarkdown>
    </div>
  );
}
