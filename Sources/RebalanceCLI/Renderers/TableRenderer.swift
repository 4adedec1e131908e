import Rebalancing

/// Plain-text tables for people: trades grouped by account, lots with term and gain, the
/// summary with drift as a percentage and money with thousands separators.
enum TableRenderer {
    static func plan(_ report: PlanReport, household: Household) -> String {
        let scenario = household.scenario
        var lines: [String] = []
        let title = scenario.name.map { "\($0) — " } ?? ""
        lines.append("\(title)plan under \(report.strategy.name), as of \(scenario.asOf): \(report.statusSentence)")
        // Without a solution there are no trades and no summary to show (its cash would not add up).
        guard report.plan.hasTrades else { return lines.joined(separator: "\n") }
        lines.append("")

        // One table for every account, so that the columns line up down the page; an account's
        // heading and "no trades" are rows of a single cell, outside the columns.
        var rows: [[String]] = []
        for account in scenario.accounts {
            rows.append(["\(account.id) (\(account.type.rawValue))"])
            let trades = report.trades.filter { $0.account == account.id }
            if trades.isEmpty { rows.append(["  no trades"]) }
            for trade in trades {
                rows.append([
                    "  " + trade.action.rawValue.uppercased(), trade.symbol, Money.formatShares(trade.shares) + " sh",
                    "@ " + Money.format(trade.price), Money.format(trade.amount),
                ])
                for lot in trade.lots {
                    let term = lot.taxTreatment
                    let kind = lot.gain >= 0 ? "gain" : "loss"
                    let note = lot.isDisallowed ? " (wash sale: disallowed)" : ""
                    let id = lot.id.map { " \($0)" } ?? ""
                    rows.append([
                        "", "  lot\(id) \(lot.acquired)", Money.formatShares(lot.shares) + " sh", term,
                        "\(kind) \(Money.format(abs(lot.gain)))\(note)",
                    ])
                }
            }
        }
        lines += align(rows, rightAligned: [2, 4])

        let s = report.summary
        lines.append("")
        lines.append("Summary")
        let tax = s.tax
        lines += align(
            [
                ["  Drift", "\(Money.percent(s.driftBefore)) → \(Money.percent(s.driftAfter))"],
                ["  Misallocated", "\(Money.format(s.misallocatedBefore)) → \(Money.format(s.misallocatedAfter))"],
                ["  Turnover", Money.format(s.turnover)],
                [
                    "  Realized gains",
                    "short-term \(Money.format(s.realizedShortTerm)), long-term \(Money.format(s.realizedLongTerm))",
                ],
                ["  Lot-level tax", Money.format(s.lotTax)],
                [
                    "  Net gains this year",
                    "short-term \(Money.format(tax.netShortTerm)), long-term \(Money.format(tax.netLongTerm)) "
                        + "(after earlier gains and the carryforward)",
                ],
                [
                    "  Estimated tax",
                    "\(Money.signed(s.estimatedTax)) (this year's tax \(Money.format(tax.taxWithoutPlan)) → "
                        + "\(Money.format(tax.taxWithPlan)))",
                ],
                [
                    "  Loss carried forward",
                    "short-term \(Money.format(s.carryforwardAfter.shortTerm)), "
                        + "long-term \(Money.format(s.carryforwardAfter.longTerm)) (to next year, with the plan)",
                ],
                ["  Cash after", s.cashAfter.map { "\($0.account) \(Money.format($0.amount))" }.joined(separator: ", ")],
            ], rightAligned: [])
        let classes = ClassLines.lines(household, plan: report.plan)
        if !classes.isEmpty { lines += ["", "Classes (a slice and the funds filling it, after the plan)"] + classes.map { "  " + $0 } }
        lines.append("")
        lines.append(report.assumptions.taxSentence)
        lines += notesBlock(report.notes.map(\.text))
        lines += assumptionsBlock(report.assumptions)
        return lines.joined(separator: "\n")
    }

    /// `Notes` and one line per note (nothing when there is none), after a blank line.
    static func notesBlock(_ notes: [String]) -> [String] {
        guard !notes.isEmpty else { return [] }
        return ["", "Notes"] + notes.map { "  - " + $0 }
    }

    /// `Assumptions` and the tax settings the figures used, defaults marked, after a blank line.
    static func assumptionsBlock(_ assumptions: Assumptions) -> [String] {
        ["", "Assumptions"] + align(assumptions.lines.map { ["  " + $0.label, $0.value] }, rightAligned: [])
    }

    /// Pads columns to a common width; `rightAligned` lists the columns padded on the left.
    /// A row of one cell (a heading) is left as it is and does not widen the first column.
    static func align(_ rows: [[String]], rightAligned: Set<Int>) -> [String] {
        // Widths in characters, each cell's counted once (a plan of 100,000 lots has as many rows).
        var counts: [[Int]] = []
        counts.reserveCapacity(rows.count)
        var widths: [Int] = []
        for row in rows {
            guard row.count > 1 else {
                counts.append([])
                continue
            }
            let rowCounts = row.map(width)
            for (i, count) in rowCounts.enumerated() {
                if i >= widths.count { widths.append(0) }
                widths[i] = max(widths[i], count)
            }
            counts.append(rowCounts)
        }
        let right = (widths.indices).map { rightAligned.contains($0) }
        let spaces = [UInt8](repeating: UInt8(ascii: " "), count: max(2, widths.max() ?? 0))
        return zip(rows, counts).map { row, rowCounts in
            if row.count == 1 { return row[0] }
            // Built as bytes: appending to a String piece by piece cost more than the rest.
            var line: [UInt8] = []
            line.reserveCapacity(widths.reduce(2 * widths.count) { $0 + $1 } + 16)
            for (i, cell) in row.enumerated() {
                if i > 0 { line += spaces.prefix(2) }
                let pad = spaces[..<(widths[i] - rowCounts[i])]
                if i == row.count - 1 && !right[i] {
                    line += cell.utf8
                } else if right[i] {
                    line += pad
                    line += cell.utf8
                } else {
                    line += cell.utf8
                    line += pad
                }
            }
            return String(decoding: line, as: UTF8.self)
        }
    }

    /// A cell's width in characters: its byte count when it is printable ASCII (one character a
    /// byte), else its count of characters.
    private static func width(_ cell: String) -> Int {
        var cell = cell
        let ascii = cell.withUTF8 { bytes in bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7F } }
        return ascii ? cell.utf8.count : cell.count
    }
}
