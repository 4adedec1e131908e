import Rebalancing

/// Self-contained HTML reports: one file with an inline style sheet and inline SVG charts, no
/// script and nothing fetched from the network. Every piece of text from the scenario is escaped.
///
/// The pieces live in extensions: markup helpers (`HTMLReport+Markup`), the allocation of each
/// group before and after a plan (`HTMLReport+Allocation`) and the SVG charts (`HTMLReport+Charts`).
enum HTMLReport {
    /// `compare --format html`: per group, donuts of the allocation before and after the
    /// recommended plan beside the target; then the strategies side by side.
    static func compare(_ comparison: Comparison) -> String {
        compare(comparison, frontier: nil)
    }

    /// The compare page, followed by the tax–drift frontier when one is given.
    static func compare(_ comparison: Comparison, frontier: Frontier?) -> String {
        let household = comparison.household
        let chosen = recommended(comparison.reports)
        var sections = allocations(household, plan: chosen?.plan).map { allocationSection($0, household: household) }
        if let chosen { sections.append(tradesSection(chosen, household: household)) }
        sections.append(comparisonSection(comparison, recommended: chosen))
        if let frontier { sections.append(frontierSection(frontier)) }
        sections.append(assumptionsSection(comparison.assumptions))
        return page(
            title: comparison.name, subtitle: subtitle(household) + " · " + afterNote(chosen), sections: sections)
    }

    /// `frontier --format html`: drift after against lot tax for budgets from $0 to a full rebalance.
    static func frontier(_ frontier: Frontier) -> String {
        page(
            title: frontier.name, subtitle: subtitle(frontier.household) + " · tax against drift",
            sections: [frontierSection(frontier), assumptionsSection(Assumptions(frontier.household.scenario.tax))])
    }

    // MARK: Header

    /// `As of 2026-11-20 · 3 accounts · $99,000.00 to invest`.
    static func subtitle(_ household: Household) -> String {
        let count = household.scenario.accounts.count
        return escape(
            "As of \(household.scenario.asOf) · \(count) account\(count == 1 ? "" : "s") · "
                + "\(Money.format(household.totalInvestable)) to invest")
    }

    /// Which plan the "after" charts show, and why.
    static func afterNote(_ chosen: PlanReport?) -> String {
        guard let chosen else { return "no strategy found a plan, so only the current allocation is shown" }
        let reason: String
        switch chosen.strategy.kind {
        case .taxAware: reason = "the recommended strategy"
        case .full: reason = "no tax-aware plan was compared"
        case .cashOnly, .taxBudget, .band, .fifo, .m1: reason = "neither tax-aware nor full was compared"
        }
        return "“after” is the plan of " + element("strong", [], escape(chosen.strategy.name)) + " (\(reason))"
    }

    // MARK: Allocation

    /// One group: the target, before and after as nested donuts (one ring per level of the pie),
    /// and a legend table with target, before and after of every slice, level by level.
    static func allocationSection(_ allocation: Allocation, household: Household) -> String {
        let group = allocation.group
        let accounts = group.accounts.map { a in
            let account = household.scenario.accounts[a]
            return "\(account.id) (\(typeName(account.type)))"
        }
        var facts = [
            "Account\(accounts.count == 1 ? "" : "s"): " + accounts.joined(separator: ", "),
            "\(Money.format(group.investable)) to invest",
        ]
        for a in group.accounts {
            let account = household.scenario.accounts[a]
            if account.flow > 0 { facts.append("\(Money.format(account.flow)) deposited to \(account.id)") }
            if account.flow < 0 { facts.append("\(Money.format(-account.flow)) withdrawn from \(account.id)") }
        }
        if allocation.reserve > 0 { facts.append("\(Money.format(allocation.reserve)) cash reserve set aside") }
        let levels = allocation.before.levels
        let rows = rows(allocation)
        var note = facts.joined(separator: " · ") + "."
        if rows.contains(where: { $0.before.kind == .pie }) {
            note += " The inner ring holds the pie's top-level slices; each ring outward splits them one level "
                + "further, down to the funds."
        }
        if rows.contains(where: \.isMember) {
            note += " A slice with alternates is split, one ring further out, into the funds filling it; the target "
                + "and the drift are the slice's, not each fund's."
        }
        if Money.cents(allocation.before.cash) < 0 {
            note += " \(Money.format(-allocation.before.cash)) must still be raised in cash: the table counts it as "
                + "negative cash, the before ring shows only what is held."
        }

        var pies = [
            svgNestedPie(
                arcs: arcs(rows, levels: levels, members: false) { $0.before.target }, levels: levels, title: "Target",
                subtitle: Money.format(group.investable)),
            svgNestedPie(
                arcs: arcs(rows, levels: levels) { $0.before.held }, levels: levels, title: "Before",
                subtitle: "drift " + Money.percent(allocation.before.drift, places: 1)),
        ]
        if let after = allocation.after {
            pies.append(
                svgNestedPie(
                    arcs: arcs(rows, levels: levels) { $0.after?.held ?? 0 }, levels: levels,
                    title: "After", subtitle: "drift " + Money.percent(after.drift, places: 1)))
        }
        let charts = element(
            "div", [("class", "charts")], element("div", [("class", "pies")], pies.joined()),
            allocationTable(allocation, rows: rows))
        return section(capitalized(group.name), note: escape(note), charts)
    }

    /// The segments of one donut: each row's `value` (negative counts as 0; a row with rows under
    /// it spans them) as a share of the group's total, laid out depth first so a slice's children
    /// sit outside it. Without `members`, a class's members are left out (they have no target of
    /// their own) and the class fills the rings outside it.
    static func arcs(
        _ all: [AllocationRow], levels: Int, members: Bool = true, value: (AllocationRow) -> Double
    ) -> [Arc] {
        let rows = members ? all : all.filter { !$0.isMember }
        // Rows are depth first: a row's children follow it, one level further.
        let isParent = rows.indices.map { $0 + 1 < rows.count && rows[$0 + 1].level > rows[$0].level }
        var shown = rows.indices.map { isParent[$0] ? 0 : max(value(rows[$0]), 0) }
        for i in rows.indices.reversed() where isParent[i] {
            var j = i + 1
            while j < rows.count && rows[j].level > rows[i].level {
                if rows[j].level == rows[i].level + 1 { shown[i] += shown[j] }
                j += 1
            }
        }
        let total = rows.indices.reduce(0) { $0 + (rows[$1].level == 1 ? shown[$1] : 0) }
        guard total > 0 else { return [] }
        var next = [Double](repeating: 0, count: levels + 2)
        var out: [Arc] = []
        for (i, row) in rows.enumerated() {
            let from = next[row.level], share = shown[i] / total
            next[row.level] = from + share
            next[row.level + 1] = from
            out.append(
                Arc(
                    level: row.level, rings: isParent[i] ? 1 : levels - row.level + 1, from: from, to: from + share,
                    color: row.color,
                    tooltip: "\(row.label): \(Money.format(shown[i])) (\(Money.percent(share, places: 1)))"))
        }
        return out
    }

    /// Slice, target, before, after, the net trade and how far off target the slice ends, in
    /// percent of the group's investable value; a sub-pie's row sums its slices, a class's row
    /// its members, and the rows under one are indented.
    static func allocationTable(_ allocation: Allocation, rows allocationRows: [AllocationRow]) -> String {
        let group = allocation.group
        let hasAfter = allocation.after != nil
        func figure(_ value: Double) -> String {
            escape(share(value, of: group)) + element("span", [("class", "amount")], escape(Money.format(value)))
        }
        var rows: [Row] = []
        for line in allocationRows {
            let node = line.before, after = line.after?.held ?? 0
            let isCash = node.kind == .cash
            if isCash && Money.cents(node.held) == 0 && Money.cents(after) == 0 { continue }
            let indent = line.level > 1 ? [("style", "padding-left:\(10 + 18 * (line.level - 1))px")] : []
            var cells = [
                Cell(markup: element("span", indent, swatch(line.color, line.label))),
                .text(isCash || line.isMember ? "—" : share(node.target, of: group), numeric: true),
                Cell(markup: figure(node.held), numeric: true),
            ]
            if hasAfter {
                cells.append(Cell(markup: figure(after), numeric: true))
                let change = after - node.held
                cells.append(.text(Money.cents(change) == 0 ? "—" : Money.signed(change), numeric: true))
            }
            // A member has no target of its own: its class is off target, not it.
            let off = ((hasAfter ? after : node.held) - node.target) / group.investable
            let offText = Money.percent(off, places: 1)
            cells.append(
                .text(line.isMember ? "" : (offText.hasPrefix("-") || offText == "0.0%" ? "" : "+") + offText, numeric: true))
            let kind: String? =
                switch node.kind {
                case .pie: "subpie"
                case .member: "member"
                default: line.before.children.isEmpty ? nil : "class"
                }
            rows.append(Row(cells: cells, className: kind))
        }
        var total = [
            Cell.text("Total"), .text("100%", numeric: true),
            Cell(markup: figure(group.investable), numeric: true),
        ]
        if hasAfter { total += [Cell(markup: figure(group.investable), numeric: true), .text("")] }
        total.append(.text(Money.percent((hasAfter ? allocation.after!.drift : allocation.before.drift), places: 1) + " drift", numeric: true))
        rows.append(Row(cells: total, className: "total"))
        let headers = [
            "Slice", "Target", "Before", hasAfter ? "After" : nil, hasAfter ? "Change" : nil,
            hasAfter ? "Off target after" : "Off target",
        ]
        return table(
            headers: headers.compactMap { $0 }, numericColumns: [1, 2, 3, 4, 5], rows: rows, className: "legend")
    }

    /// `12.3%` of the group's investable value.
    static func share(_ value: Double, of group: Household.Group) -> String {
        Money.percent(value / group.investable, places: 1)
    }

    static func typeName(_ type: AccountType) -> String { type.label }

    // MARK: Trades

    /// The recommended plan's trades, with the gains a sale realizes in a taxable account.
    static func tradesSection(_ report: PlanReport, household: Household) -> String {
        let rows = report.trades.map { trade in
            Row(cells: [
                .text(trade.account), .text(trade.action == .buy ? "Buy" : "Sell"),
                Cell(markup: swatch(color(symbol: household.symbols.firstIndex(of: trade.symbol)), trade.symbol)),
                .text(Money.formatShares(trade.shares), numeric: true), .text(Money.format(trade.price), numeric: true),
                .text(Money.format(trade.amount), numeric: true),
                // On one line: where the table must scroll anyway, a squeezed note would only make tall rows.
                Cell(markup: trade.action == .sell ? element("span", [("class", "nowrap")], escape(taxNote(trade))) : ""),
            ])
        }
        let s = report.summary
        let note = escape(
            "\(report.trades.count) trade\(report.trades.count == 1 ? "" : "s"), \(Money.format(s.turnover)) traded; "
                + "lot-level tax \(Money.format(s.lotTax)), estimated tax this year \(Money.signed(s.estimatedTax)); "
                + "loss carried to next year: \(carried(s.carryforwardAfter)). " + report.assumptions.taxSentence)
        let body =
            report.trades.isEmpty
            ? element("p", [], "No trades: the household is already as close to target as this strategy wants.")
            : table(
                headers: ["Account", "Action", "Symbol", "Shares", "Price", "Amount", "Tax"],
                numericColumns: [3, 4, 5], rows: rows)
        return section("The plan of \(report.strategy.name)", note: note, body, notesList(report.notes.map(\.text)))
    }

    /// `short-term $0.00, long-term $0.00`.
    static func carried(_ t: TermAmounts) -> String {
        "short-term \(Money.format(t.shortTerm)), long-term \(Money.format(t.longTerm))"
    }

    /// The notes as a list under a small heading; nothing when there is none.
    static func notesList(_ notes: [String]) -> String {
        guard !notes.isEmpty else { return "" }
        return element("h3", [], "Notes")
            + element("ul", [("class", "notes")], notes.map { element("li", [], escape($0)) }.joined())
    }

    /// The tax settings the figures assume, defaults marked.
    static func assumptionsSection(_ assumptions: Assumptions) -> String {
        let items = assumptions.lines.map { element("dt", [], escape($0.label)) + element("dd", [], escape($0.value)) }
        let note = "The tax settings every figure on this page uses; “default” marks a value the scenario did not give."
        return section("Assumptions", note: escape(note), element("dl", [("class", "strategies")], items.joined()))
    }

    /// `long-term gain $1,200.00; short-term loss $80.00`, or why a sale is not taxed.
    static func taxNote(_ trade: PlanReport.Trade) -> String {
        if let lot = trade.lots.first, !lot.isTaxable { return lot.taxTreatment }
        var parts: [String] = []
        for longTerm in [true, false] {
            let lots = trade.lots.filter { $0.isLongTerm == longTerm }
            guard !lots.isEmpty else { continue }
            let gain = lots.reduce(0) { $0 + $1.gain }
            let kind = gain >= 0 ? "gain" : "loss"
            parts.append("\(longTerm ? "long" : "short")-term \(kind) \(Money.format(abs(gain)))")
        }
        if trade.lots.contains(where: \.isDisallowed) { parts.append("wash-sale loss disallowed") }
        return parts.joined(separator: "; ")
    }

    // MARK: Comparison

    /// CompareRenderer's table (a plan-less strategy is one row saying why), the savings of full
    /// against fifo, and what each strategy means.
    static func comparisonSection(_ comparison: Comparison, recommended chosen: PlanReport?) -> String {
        let headers = CompareRenderer.headers
        let rows = zip(comparison.reports, CompareRenderer.rows(comparison)).map { report, cells -> Row in
            guard cells.count == headers.count else {
                let why = cells.dropFirst().joined(separator: " ")
                return Row(
                    cells: [.text(cells[0]), Cell(markup: escape("no plan — " + why), columns: headers.count - 1)],
                    className: "infeasible")
            }
            let row = cells.enumerated().map { i, text in Cell.text(text, numeric: i > 0) }
            let isChosen = chosen.map { $0.strategy == report.strategy } ?? false
            return Row(cells: row, className: isChosen ? "recommended" : nil)
        }
        var parts = [table(headers: headers, numericColumns: Set(1..<headers.count), rows: rows)]
        if let savings = CompareRenderer.savingsLine(comparison) {
            parts.append(element("p", [("class", "savings")], escape(savings)))
        }
        parts.append(notesList(CompareRenderer.noteLines(comparison)))
        parts.append(strategyGlossary(comparison.reports.map(\.strategy)))
        return section(
            "Strategies compared",
            note: "Drift is the share of the money that is not where the target wants it. "
                + escape(comparison.assumptions.taxSentence)
                + (chosen == nil ? "" : " The highlighted row is the plan the charts above show."),
            parts.joined(separator: "\n"))
    }

    /// One line per strategy: what it does.
    static func strategyGlossary(_ strategies: [Strategy]) -> String {
        var seen = Set<String>()
        let items = strategies.filter { seen.insert($0.name).inserted }.map { strategy in
            element("dt", [], escape(strategy.name)) + element("dd", [], escape(strategy.kind.meaning))
        }
        return element("dl", [("class", "strategies")], items.joined())
    }

    // MARK: Frontier

    /// The line plot of drift after against this year's tax, and the table of points.
    static func frontierSection(_ frontier: Frontier) -> String {
        let planned = frontier.points.filter { $0.report.plan.hasTrades }
        let points = planned.map { point in
            let s = point.report.summary
            return PlotPoint(
                x: s.estimatedTax, y: s.driftAfter,
                tooltip: "budget \(Money.format(point.taxBudget)): tax \(Money.format(s.estimatedTax)), "
                    + "drift \(Money.percent(s.driftAfter))")
        }
        let driftBefore = frontier.full.summary.driftBefore
        let plot = svgLinePlot(
            points: points, xLabel: "Tax this year ($)", yLabel: "Drift after (%)",
            reference: Reference(y: driftBefore, label: "drift now \(Money.percent(driftBefore))"),
            xTick: moneyTick, yTick: percentTick, xMinimumSpan: 10, yMinimumSpan: 0.05)
        let figure = planned.isEmpty ? element("p", [], "No budget gave a plan, so there is nothing to plot.") : plot
        let explained = frontierNote(frontier) + " " + Assumptions(frontier.household.scenario.tax).taxSentence
        let table = frontier.isFlat ? "" : frontierTable(frontier)
        return section("Tax against drift", note: escape(explained), figure, table)
    }

    /// What the plot shows: the range of budgets and how far drift falls along it, or why there
    /// is no trade-off to see.
    static func frontierNote(_ frontier: Frontier) -> String {
        let planned = frontier.points.filter { $0.report.plan.hasTrades }
        guard let first = planned.first, let last = planned.last else {
            return "No tax budget gave a plan."
        }
        func at(_ s: PlanReport.Summary) -> String {
            "\(Money.percent(s.driftAfter)) at \(Money.format(s.estimatedTax)) of tax this year"
        }
        if frontier.isFlat {
            return "Every budget from \(Money.format(first.taxBudget)) to \(Money.format(last.taxBudget)) gives the same "
                + "plan: drift \(at(last.report.summary)). There is no trade-off here."
        }
        return "Each point is the best plan whose tax this year stays within a budget, from the least any plan can pay "
            + "(\(Money.format(first.taxBudget))) up to what a full rebalance pays (\(Money.format(last.taxBudget))). "
            + "Drift goes from \(at(first.report.summary)) to \(at(last.report.summary))."
    }

    /// The frontier command's table (``FrontierRenderer``): budget, tax this year, lot tax,
    /// drift after, turnover.
    static func frontierTable(_ frontier: Frontier) -> String {
        let rows = frontier.points.map { point -> Row in
            let budget = Cell.text(Money.format(point.taxBudget), numeric: true)
            guard let figures = point.figures else {
                let r = point.report
                return Row(
                    cells: [budget, Cell(markup: escape("no plan — \(r.status.name): \(r.status.description)"), columns: 4)],
                    className: "infeasible")
            }
            return Row(cells: [budget] + figures.map { .text($0, numeric: true) })
        }
        return table(headers: FrontierRenderer.headers, numericColumns: [0, 1, 2, 3, 4], rows: rows)
    }
}
