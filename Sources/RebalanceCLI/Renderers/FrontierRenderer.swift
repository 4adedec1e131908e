import Rebalancing

/// The frontier as a text table; its columns and cells are HTMLReport's too.
enum FrontierRenderer {
    /// The table's columns: the budget, then ``Frontier/Point/figures``.
    static let headers = ["Tax budget", "Est. tax", "Lot tax", "Drift after", "Turnover"]

    static func table(_ frontier: Frontier) -> String {
        let title = "\(frontier.name) — tax against drift (drift before: \(Money.percent(frontier.full.summary.driftBefore)))"
        let assumptions = Assumptions(frontier.household.scenario.tax)
        let assumptionLines = ["", assumptions.taxSentence] + TableRenderer.assumptionsBlock(assumptions)
        if frontier.isFlat, let first = frontier.points.first, let last = frontier.points.last {
            let s = first.report.summary
            return ([
                title, "",
                "No trade-off: every tax budget from \(Money.format(first.taxBudget)) to \(Money.format(last.taxBudget)) "
                    + "gives the same plan (tax this year \(Money.format(s.estimatedTax)), lot tax \(Money.format(s.lotTax)), "
                    + "drift after \(Money.percent(s.driftAfter)), turnover \(Money.format(s.turnover))).",
            ] + assumptionLines).joined(separator: "\n")
        }
        var rows = [headers]
        for point in frontier.points {
            rows.append([Money.format(point.taxBudget)] + (point.figures ?? [point.report.status.name, "", "", ""]))
        }
        let aligned = TableRenderer.align(rows, rightAligned: [0, 1, 2, 3, 4])
        return ([title, ""] + [aligned[0], String(repeating: "─", count: aligned[0].count)] + aligned.dropFirst()
            + assumptionLines)
            .joined(separator: "\n")
    }
}
