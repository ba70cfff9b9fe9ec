import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { Markdown } from "@/components/markdown";
import { parseMarkdown, plainText, safeHref, type MdNode, type MentionTarget } from "./markdown";

const text = (t: string): MdNode => ({ type: "text", text: t });
const html = (src: string, mentions?: MentionTarget[]) =>
  renderToStaticMarkup(createElement(Markdown, { text: src, mentions }));

describe("parseMarkdown", () => {
  it("leaves plain text alone", () => {
    expect(parseMarkdown("hello world")).toEqual([text("hello world")]);
    expect(parseMarkdown("")).toEqual([]);
  });

  it("bold", () => {
    expect(parseMarkdown("a **b** c")).toEqual([text("a "), { type: "strong", children: [text("b")] }, text(" c")]);
    expect(parseMarkdown("__b__")).toEqual([{ type: "strong", children: [text("b")] }]);
  });

  it("italic with * and _", () => {
    expect(parseMarkdown("*a*")).toEqual([{ type: "em", children: [text("a")] }]);
    expect(parseMarkdown("x _a b_ y")).toEqual([text("x "), { type: "em", children: [text("a b")] }, text(" y")]);
  });

  it("does not italicise inside words or around spaces", () => {
    expect(parseMarkdown("snake_case_name")).toEqual([text("snake_case_name")]);
    expect(parseMarkdown("2 * 3 * 4")).toEqual([text("2 * 3 * 4")]);
  });

  it("inline code keeps its content literal", () => {
    expect(parseMarkdown("run `**x** <b>` now")).toEqual([text("run "), { type: "code", text: "**x** <b>" }, text(" now")]);
    expect(parseMarkdown("``a ` b``")).toEqual([{ type: "code", text: "a ` b" }]);
  });

  it("fenced code blocks, with an optional language", () => {
    expect(parseMarkdown("before\n```ts\nconst a = 1;\n**not bold**\n```\nafter")).toEqual([
      text("before"),
      { type: "codeblock", lang: "ts", text: "const a = 1;\n**not bold**" },
      text("after"),
    ]);
    expect(parseMarkdown("```\nx\n```")).toEqual([{ type: "codeblock", lang: null, text: "x" }]);
  });

  it("an unclosed fence stays text", () => {
    expect(plainText(parseMarkdown("```\nx"))).toBe("```\nx");
  });

  it("links: markdown and bare URLs, http(s) and mailto only", () => {
    expect(parseMarkdown("see [docs](https://example.com/a?b=1)")).toEqual([
      text("see "),
      { type: "link", href: "https://example.com/a?b=1", children: [text("docs")] },
    ]);
    expect(parseMarkdown("at https://example.com/x.")).toEqual([
      text("at "),
      { type: "link", href: "https://example.com/x", children: [text("https://example.com/x")] },
      text("."),
    ]);
    expect(parseMarkdown("[mail](mailto:a@b.c)")).toEqual([{ type: "link", href: "mailto:a@b.c", children: [text("mail")] }]);
    expect(parseMarkdown("(https://en.wikipedia.org/wiki/A_(b))")).toEqual([
      text("("),
      { type: "link", href: "https://en.wikipedia.org/wiki/A_(b)", children: [text("https://en.wikipedia.org/wiki/A_(b)")] },
      text(")"),
    ]);
  });

  it("refuses javascript: and other schemes, showing them as typed", () => {
    const nodes = parseMarkdown("[click](javascript:alert%281%29) [x](data:text/html,hi) [y](JavaScript:void)");
    expect(nodes).toEqual([text("[click](javascript:alert%281%29) [x](data:text/html,hi) [y](JavaScript:void)")]);
    expect(parseMarkdown("[x](javascript:alert(1))").some((n) => n.type === "link")).toBe(false);
    expect(safeHref("javascript:alert(1)")).toBeNull();
    expect(safeHref(" java\tscript:x")).toBeNull();
    expect(safeHref("//evil.example")).toBeNull();
    expect(safeHref("https:/x")).toBeNull();
    expect(safeHref("https://ok.example")).toBe("https://ok.example");
  });

  it("shows HTML as text", () => {
    expect(parseMarkdown("<b>hi</b> <script>x()</script>")).toEqual([text("<b>hi</b> <script>x()</script>")]);
  });

  it("nests emphasis", () => {
    expect(parseMarkdown("**bold *and italic***")).toEqual([
      { type: "strong", children: [text("bold "), { type: "em", children: [text("and italic")] }] },
    ]);
    expect(parseMarkdown("***x***")).toEqual([{ type: "strong", children: [{ type: "em", children: [text("x")] }] }]);
    expect(parseMarkdown("*see **this** now*")).toEqual([
      { type: "em", children: [text("see "), { type: "strong", children: [text("this")] }, text(" now")] },
    ]);
    expect(parseMarkdown("**[a](https://x.y)**")).toEqual([
      { type: "strong", children: [{ type: "link", href: "https://x.y", children: [text("a")] }] },
    ]);
  });

  it("keeps unbalanced markers as typed", () => {
    for (const s of ["**bold", "bold**", "*a", "a*", "`code", "_x", "*a**", "[a](https://x", "a ** b ** c"]) {
      expect(plainText(parseMarkdown(s)), s).toBe(s);
    }
    expect(parseMarkdown("**a*")).toEqual([text("*"), { type: "em", children: [text("a")] }]);
    // Overlapping markers: the first to close wins, the rest is text.
    expect(parseMarkdown("**a _b** c_")).toEqual([{ type: "strong", children: [text("a _b")] }, text(" c_")]);
  });

  it("backslash escapes markers", () => {
    expect(parseMarkdown("\\*not\\*")).toEqual([text("*not*")]);
  });

  it("highlights mentions of the given names only", () => {
    const mentions = [
      { name: "Bob Smith", userId: "u-bob", me: false },
      { name: "Al", userId: "u-al", me: true },
      { name: "room", userId: null, me: true },
    ];
    expect(parseMarkdown("hi @bob smith and @Al, @Alice, a@Al.com, @room!", { mentions })).toEqual([
      text("hi "),
      { type: "mention", text: "@bob smith", userId: "u-bob", me: false },
      text(" and "),
      { type: "mention", text: "@Al", userId: "u-al", me: true },
      text(", @Alice, a@Al.com, "),
      { type: "mention", text: "@room", userId: null, me: true },
      text("!"),
    ]);
    expect(parseMarkdown("**@Al** `@Al`", { mentions })).toEqual([
      { type: "strong", children: [{ type: "mention", text: "@Al", userId: "u-al", me: true }] },
      text(" "),
      { type: "code", text: "@Al" },
    ]);
  });

  it("survives pathological input", () => {
    const s = "[".repeat(3000) + "*".repeat(3000) + "`".repeat(3000) + "_a".repeat(3000);
    const started = Date.now();
    expect(parseMarkdown(s).length).toBeGreaterThan(0);
    expect(Date.now() - started).toBeLessThan(2000);
    const brackets = "[".repeat(5000) + "`".repeat(5000);
    expect(plainText(parseMarkdown(brackets))).toBe(brackets);
  });
});

describe("Markdown renderer", () => {
  it("renders elements, escapes HTML and hardens links", () => {
    const out = html('<img src=x onerror="alert(1)"> **b** [l](https://e.x) [j](javascript:alert%281%29)');
    expect(out).not.toContain("<img");
    expect(out).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
    expect(out).toContain('<strong class="font-semibold">b</strong>');
    expect(out).toContain('<a href="https://e.x" target="_blank" rel="noopener noreferrer"');
    expect(out).not.toContain('href="javascript');
  });

  it("marks mentions, mine more strongly", () => {
    const out = html("@Bob and @Me", [
      { name: "Bob", userId: "b", me: false },
      { name: "Me", userId: "m", me: true },
    ]);
    expect(out).toContain('data-testid="mention" data-user-id="b"');
    expect(out).toMatch(/data-testid="mention" data-user-id="m" data-me="true"/);
  });
});
