import Rebalancing

/// The tax preview for people.
enum TaxPreviewRenderer {
    static func table(_ preview: TaxPreview) -> String {
        let report = preview.report
        var lines = ["\(preview.name) — tax cost of \(report.strategy.name): \(report.statusSentence)"]
        // Without a solution nothing is sold and there is no tax to preview.
        guard report.plan.hasTrades else { return lines.joined(separator: "\n") }
        lines.append("")
        if preview.lots.isEmpty {
            lines.append("No lot is sold.")
        } else {
            var rows = [["Account", "Symbol", "Lot", "Shares", "Proceeds", "Basis", "Gain", "Taxed as"]]
            for sold in preview.lots {
                rows.append([
                    sold.account, sold.symbol, (sold.lot.id.map { "\($0) " } ?? "") + sold.lot.acquired.description,
                    Money.formatShares(sold.lot.shares), Money.format(sold.proceeds), Money.format(sold.costBasis),
                    Money.format(sold.lot.gain),
                    sold.lot.taxTreatment + (sold.lot.isDisallowed ? " (wash sale: loss disallowed)" : ""),
                ])
            }
            let aligned = TableRenderer.align(rows, rightAligned: [3, 4, 5, 6])
            lines += [aligned[0], String(repeating: "─", count: aligned[0].count)] + aligned.dropFirst()
        }
        let t = preview.tax, settings = preview.settings
        lines += [
            "",
            "                       Short-term      Long-term",
        ]
        func row(_ label: String, _ a: Double, _ b: Double) -> String {
            let pad = { (s: String) in String(repeating: " ", count: max(0, 15 - s.count)) + s }
            return label.padding(20) + pad(Money.format(a)) + pad(Money.format(b))
        }
        lines += [
            row("Realized this year", settings.realizedThisYear.shortTerm, settings.realizedThisYear.longTerm),
            row("Carryforward loss", -settings.carryforwardLoss.shortTerm, -settings.carryforwardLoss.longTerm),
            row("This plan", t.planShortTerm, t.planLongTerm),
            row("Net for the year", t.netShortTerm, t.netLongTerm),
            row("Carried forward", -t.carryforwardAfter.shortTerm, -t.carryforwardAfter.longTerm),
            "",
            "Tax this year without the plan: \(Money.format(t.taxWithoutPlan))",
            "Tax this year with the plan:    \(Money.format(t.taxWithPlan))",
            "Estimated tax of the plan:      \(Money.signed(t.incremental))   (lot-level tax \(Money.format(report.summary.lotTax)))",
            "",
            report.assumptions.taxSentence,
            "",
            preview.marginalSentence,
        ]
        lines += TableRenderer.notesBlock(report.notes.map(\.text))
        lines += TableRenderer.assumptionsBlock(report.assumptions)
        return lines.joined(separator: "\n")
    }
}

extension String {
    func padding(_ width: Int) -> String {
        count >= width ? self + " " : self + String(repeating: " ", count: width - count)
    }
}
