import Rebalancing

/// The comparison as a text table or Markdown.
enum CompareRenderer {
    static let headers = [
        "Strategy", "Trades", "Turnover", "Drift before → after", "ST gains", "LT gains", "Lot tax", "Est. tax",
        "Loss carried", "Cash left",
    ]

    static func rows(_ comparison: Comparison) -> [[String]] {
        comparison.reports.map { r in
            guard r.plan.hasTrades else {
                return [r.strategy.name, r.status.name + ": " + r.status.description]
            }
            let s = r.summary
            return [
                r.strategy.name + (r.status.isOptimal ? "" : " (\(r.status.name))"),
                String(r.trades.count),
                Money.format(s.turnover),
                "\(Money.percent(s.driftBefore)) → \(Money.percent(s.driftAfter))",
                Money.format(s.realizedShortTerm),
                Money.format(s.realizedLongTerm),
                Money.format(s.lotTax),
                Money.format(s.estimatedTax),
                carried(s.carryforwardAfter),
                Money.format(s.cashAfter.reduce(0) { $0 + $1.amount }),
            ]
        }
    }

    /// The loss carried to next year by character: `—`, `ST $1,200.00`, `ST $500.00, LT $80.00`.
    static func carried(_ t: TermAmounts) -> String {
        var parts: [String] = []
        if Money.cents(t.shortTerm) != 0 { parts.append("ST " + Money.format(t.shortTerm)) }
        if Money.cents(t.longTerm) != 0 { parts.append("LT " + Money.format(t.longTerm)) }
        return parts.isEmpty ? "—" : parts.joined(separator: ", ")
    }

    /// Each note once, after the strategies whose plans carry it: `full, fifo: In brokerage, …`.
    static func noteLines(_ comparison: Comparison) -> [String] {
        comparison.notes.map { $0.strategies.joined(separator: ", ") + ": " + $0.text }
    }

    static func savingsLine(_ comparison: Comparison) -> String? {
        guard let savings = comparison.savings else { return nil }
        let drift = Money.percent(savings.full.summary.driftAfter)
        let lot = savings.lotTax, estimated = savings.estimatedTax
        if Money.cents(lot) == 0 && Money.cents(estimated) == 0 {
            return "At the same drift (\(drift)), full and the fifo baseline pay the same tax."
        }
        return "At the same drift (\(drift)), full pays \(Money.format(lot)) less lot-level tax than the fifo baseline "
            + "(\(Money.format(estimated)) less estimated tax this year)."
    }

    static func table(_ comparison: Comparison) -> String {
        let household = comparison.household
        var lines = [
            "\(comparison.name) — \(counted(household.scenario.accounts.count, "account")), "
                + "\(Money.format(household.totalInvestable)) to invest, as of \(household.scenario.asOf)",
            "",
        ]
        let body = rows(comparison)
        let right: Set<Int> = [1, 2, 4, 5, 6, 7, 8, 9]
        let full = body.filter { $0.count == headers.count }
        let aligned = TableRenderer.align([headers] + full, rightAligned: right)
        lines.append(aligned[0])
        lines.append(String(repeating: "─", count: aligned[0].count))
        var next = 1
        for row in body {
            if row.count == headers.count {
                lines.append(aligned[next])
                next += 1
            } else {
                lines.append(row.joined(separator: "  "))
            }
        }
        if let savings = savingsLine(comparison) {
            lines += ["", savings]
        }
        lines += ["", comparison.assumptions.taxSentence]
        let classes = ClassLines.lines(comparison.household, plan: nil)
        if !classes.isEmpty { lines += ["", "Classes now (a slice and the funds filling it)"] + classes.map { "  " + $0 } }
        lines += TableRenderer.notesBlock(noteLines(comparison))
        lines += TableRenderer.assumptionsBlock(comparison.assumptions)
        return lines.joined(separator: "\n")
    }

    static func markdown(_ comparison: Comparison) -> String {
        // A cell's `|` would end it; `<`, `>` and `&` would be HTML to a Markdown renderer.
        func escape(_ s: String) -> String {
            var out = ""
            for c in s {
                switch c {
                case "|": out += "\\|"
                case "<": out += "&lt;"
                case ">": out += "&gt;"
                case "&": out += "&amp;"
                default: out.append(c)
                }
            }
            return out
        }
        var lines = ["## \(escape(comparison.name))", ""]
        lines.append("| " + headers.joined(separator: " | ") + " |")
        lines.append("|" + headers.indices.map { $0 == 0 ? " --- " : " ---: " }.joined(separator: "|") + "|")
        for row in rows(comparison) {
            let cells = row.count == headers.count ? row : row + Array(repeating: "", count: headers.count - row.count)
            lines.append("| " + cells.map(escape).joined(separator: " | ") + " |")
        }
        if let savings = savingsLine(comparison) { lines += ["", savings] }
        lines += ["", escape(comparison.assumptions.taxSentence)]
        let classes = ClassLines.lines(comparison.household, plan: nil)
        if !classes.isEmpty { lines += ["", "### Classes now", ""] + classes.map { "- " + escape($0) } }
        let notes = noteLines(comparison)
        if !notes.isEmpty { lines += ["", "### Notes", ""] + notes.map { "- " + escape($0) } }
        lines += ["", "### Assumptions", ""]
        lines += comparison.assumptions.lines.map { "- " + escape($0.label) + ": " + escape($0.value) }
        return lines.joined(separator: "\n")
    }
}
