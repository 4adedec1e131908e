import Rebalancing

/// Small HTML building blocks: escaping, elements, tables and the page around them.
extension HTMLReport {
    /// Escapes `& < > " '` so any text is safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for c in text {
            switch c {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default: out.append(c)
            }
        }
        return out
    }

    /// `<name a="v">children</name>`: attribute values are escaped here; children are markup.
    static func element(_ name: String, _ attributes: [(String, String)] = [], _ children: String...) -> String {
        let attributeText = attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined()
        return "<\(name)\(attributeText)>" + children.joined() + "</\(name)>"
    }

    /// `<name a="v">`, for elements with no content (SVG shapes close themselves).
    static func emptyElement(_ name: String, _ attributes: [(String, String)]) -> String {
        "<\(name)" + attributes.map { " \($0.0)=\"\(escape($0.1))\"" }.joined() + "/>"
    }

    /// A table cell holding markup; `numeric` aligns it right.
    struct Cell {
        var markup: String
        var numeric = false
        var columns = 1

        static func text(_ text: String, numeric: Bool = false) -> Cell { Cell(markup: escape(text), numeric: numeric) }
    }

    /// A table row and the class it carries (e.g. `recommended`, `infeasible`, `total`).
    struct Row {
        var cells: [Cell]
        var className: String? = nil
    }

    /// A table with a header row; header cells of numeric columns align right too.
    static func table(headers: [String], numericColumns: Set<Int>, rows: [Row], className: String = "data") -> String {
        let head = headers.enumerated().map { i, title in
            element("th", numericColumns.contains(i) ? [("class", "num")] : [], escape(title))
        }.joined()
        let body = rows.map { row -> String in
            let cells = row.cells.map { cell -> String in
                var attributes: [(String, String)] = []
                if cell.numeric { attributes.append(("class", "num")) }
                if cell.columns > 1 { attributes.append(("colspan", String(cell.columns))) }
                return element("td", attributes, cell.markup)
            }.joined()
            return element("tr", row.className.map { [("class", $0)] } ?? [], cells)
        }.joined(separator: "\n")
        let scrolled = element(
            "table", [("class", className)], element("thead", [], element("tr", [], head)), "\n",
            element("tbody", [], body))
        return element("div", [("class", "scroll")], scrolled)
    }

    /// A titled card: one section of the page.
    static func section(_ title: String, note: String? = nil, _ content: String...) -> String {
        var parts = [element("h2", [], escape(title))]
        if let note { parts.append(element("p", [("class", "note")], note)) }
        return element("section", [("class", "card")], (parts + content).joined(separator: "\n")) + "\n"
    }

    /// The whole document: title, subtitle (markup), sections, with the inline style sheet.
    static func page(title: String, subtitle: String, sections: [String]) -> String {
        [
            "<!doctype html>",
            "<html lang=\"en\">",
            "<head>",
            "<meta charset=\"utf-8\">",
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
            element("title", [], escape(title)),
            element("style", [], styleSheet),
            "</head>",
            "<body>",
            element("header", [], element("h1", [], escape(title)), element("p", [("class", "subtitle")], subtitle)),
            "<main>",
            sections.joined(separator: "\n"),
            "</main>",
            element("footer", [], "Made by rebalance. Figures are estimates; check them against your own records."),
            "</body>",
            "</html>",
            "",
        ].joined(separator: "\n")
    }

    /// A colour swatch followed by a label, kept on one line so a narrow column never puts the
    /// label under its swatch.
    static func swatch(_ color: String, _ label: String) -> String {
        let swatch = element("span", [("class", "swatch"), ("style", "background:\(color)")])
        return element("span", [("class", "nowrap")], swatch, escape(label))
    }

    /// The text with its first letter in upper case.
    static func capitalized(_ text: String) -> String {
        text.prefix(1).uppercased() + text.dropFirst()
    }

    /// The page's style sheet. A table too wide for the screen scrolls sideways in its `.scroll`
    /// box, which shades the edge where more of it is hidden (white covers that are painted with the
    /// content and slide away with it as it scrolls, over shadows fixed to the box's edges), so a cut
    /// is visible even where scroll bars are hidden. Below 600px the page and its cards pad less.
    static let styleSheet = """
        :root { color-scheme: light; --ink: #1d2733; --muted: #5b6776; --line: #dfe3e8; --tint: #eaf2fb; }
        * { box-sizing: border-box; }
        body { margin: 0; background: #f5f6f8; color: var(--ink);
          font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
        header, main, footer { max-width: 1140px; margin: 0 auto; padding: 0 24px; }
        header { padding-top: 28px; padding-bottom: 8px; }
        h1 { font-size: 28px; line-height: 1.2; margin: 0 0 6px; }
        h2 { font-size: 19px; margin: 0 0 4px; }
        h3 { font-size: 15px; margin: 18px 0 6px; }
        .subtitle { color: var(--muted); margin: 0 0 12px; font-size: 16px; }
        .card { background: #fff; border: 1px solid var(--line); border-radius: 10px; padding: 18px 24px 20px;
          margin: 0 0 20px; }
        .note { color: var(--muted); font-size: 14px; margin: 2px 0 14px; }
        .charts { display: flex; flex-wrap: wrap; align-items: center; gap: 12px 28px; }
        .pies { display: flex; gap: 8px; }
        .charts > .scroll { flex: 1 1 360px; min-width: 0; }
        .scroll { overflow-x: auto; background:
            linear-gradient(to right, #fff 30%, rgba(255,255,255,0)) left / 40px 100% no-repeat local,
            linear-gradient(to left, #fff 30%, rgba(255,255,255,0)) right / 40px 100% no-repeat local,
            radial-gradient(farthest-side at 0 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) left / 14px 100% no-repeat scroll,
            radial-gradient(farthest-side at 100% 50%, rgba(0,0,0,.22), rgba(0,0,0,0)) right / 14px 100% no-repeat scroll; }
        table { border-collapse: collapse; font-size: 14px; font-variant-numeric: tabular-nums; }
        th, td { padding: 6px 8px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
        th { font-size: 13px; font-weight: 600; color: var(--muted); border-bottom-width: 2px; }
        td:first-child, .nowrap, .num { white-space: nowrap; }
        .num { text-align: right; }
        tr.recommended td { background: var(--tint); font-weight: 600; }
        tr.infeasible td { color: #9a3412; }
        tr.total td { font-weight: 600; border-bottom: none; }
        tr.subpie td { font-weight: 600; background: #f7f8fa; }
        tr.class td { font-weight: 600; }
        tr.member td { color: var(--muted); }
        .swatch { display: inline-block; width: 12px; height: 12px; border-radius: 3px; margin-right: 8px;
          vertical-align: -1px; }
        .amount { display: block; font-size: 12px; color: var(--muted); }
        .savings { margin: 14px 0 0; padding: 10px 14px; background: #f0f7ee; border-left: 4px solid #59a14f;
          border-radius: 4px; }
        dl.strategies { display: grid; grid-template-columns: max-content 1fr; gap: 2px 16px; font-size: 14px;
          margin: 14px 0 0; }
        dl.strategies dt { font-weight: 600; }
        dl.strategies dd { margin: 0; color: var(--muted); }
        footer { color: var(--muted); font-size: 13px; padding-bottom: 28px; }
        svg { display: block; max-width: 100%; height: auto; }
        svg text { font-family: inherit; fill: var(--ink); }
        .pie-title { font-size: 15px; font-weight: 700; }
        .pie-sub { font-size: 12px; fill: var(--muted); }
        .slice-label { font-size: 12px; font-weight: 700; fill: #fff; paint-order: stroke; stroke: rgba(0,0,0,.35);
          stroke-width: 3px; stroke-linejoin: round; }
        .axis-label { font-size: 13px; fill: var(--muted); }
        .tick { font-size: 12px; fill: var(--muted); }
        .ref-label { font-size: 12px; fill: #8a5a00; }
        @media (max-width: 600px) {
          header, main, footer { padding-left: 12px; padding-right: 12px; }
          .card { padding: 14px 14px 16px; }
          th, td { padding: 6px; }
        }
        """
}
