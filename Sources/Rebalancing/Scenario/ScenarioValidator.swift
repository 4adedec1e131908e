/// The checks of docs/scenario-format.md that relate one field to another: prices for every held or targeted
/// symbol, dates against `asOf`, unique ids, pie coverage, withdrawals the account can raise and
/// groups with something to invest.
enum ScenarioValidator {
    /// `complete` is false when the reader already dropped fields it could not read: the checks
    /// that add up an account or a group are then skipped rather than misled.
    static func issues(in scenario: Scenario, complete: Bool = true, paths: ScenarioPaths = ScenarioPaths()) -> [ScenarioIssue] {
        check(scenario, complete: complete, paths: paths).issues
    }

    /// The issues, and the household built to check the groups (nil when the checks stopped
    /// before building it): the loader hands it on, so a scenario's household is built once.
    static func check(
        _ scenario: Scenario, complete: Bool = true, paths: ScenarioPaths = ScenarioPaths()
    ) -> (issues: [ScenarioIssue], household: Household?) {
        var issues: [ScenarioIssue] = []
        func report(_ path: String, _ message: String) { issues.append(ScenarioIssue(path: path, message: message)) }

        if let pie = scenario.pie { checkPrices(pie, "pie", scenario.prices, report) }

        // A household's few prices found by comparing names, not by hashing the name of each
        // lot (a short name compares in a few instructions; hashing one costs some 300).
        let fewPrices: [(symbol: String, price: Double)]? = scenario.prices.count <= 16 ? scenario.prices.map { ($0.key, $0.value) } : nil
        func price(of symbol: String) -> Double? {
            guard let fewPrices else { return scenario.prices[symbol] }
            return fewPrices.first { $0.symbol == symbol }?.price
        }

        var accountIndex: [String: Int] = [:]
        /// The first lot (account, index) with each id; paths are written only for a message.
        var lotIDs = [String: (account: Int, lot: Int)](minimumCapacity: scenario.accounts.reduce(0) { $0 + $1.lots.count })
        for (a, account) in scenario.accounts.enumerated() {
            let path = paths.account(a)
            if let first = accountIndex[account.id] {
                report("\(path).id", "duplicate account id \"\(account.id)\" (also \(paths.account(first)))")
            } else {
                accountIndex[account.id] = a
            }
            if let pie = account.pie { checkPrices(pie, "\(path).pie", scenario.prices, report) }
            for (i, symbol) in (account.canBuy ?? []).enumerated() where scenario.prices[symbol] == nil {
                report("\(path).canBuy[\(i)]", "no price for \"\(symbol)\" in prices")
            }
            if complete, account.pie == nil, scenario.pie == nil {
                report(path, "is covered by no pie: give it its own pie or give the scenario a top-level pie")
            }
            var holdings = 0.0
            /// What the lots the account may sell are worth (every lot but the doNotSell ones).
            var sellable = 0.0
            var priced = true
            // The price looked up once per run of lots of one symbol.
            var last: (symbol: String, price: Double?)?
            // (Each lot's fields read in place: `for lot in` copies the lot, retaining and
            // releasing its strings.)
            let lots = account.lots
            for l in lots.indices {
                func lotPath() -> String { paths.lot(a, l) }
                if last?.symbol != lots[l].symbol { last = (lots[l].symbol, price(of: lots[l].symbol)) }
                if let price = last?.price {
                    holdings += price * lots[l].shares
                    if !lots[l].doNotSell { sellable += price * lots[l].shares }
                } else {
                    priced = false
                    report("\(lotPath()).symbol", "no price for \"\(lots[l].symbol)\" in prices")
                }
                if lots[l].costBasis / lots[l].shares > ScenarioReader.largestNumber {
                    report("\(lotPath()).costBasis", "is more than $1e12 a share; values that large are not supported")
                }
                if lots[l].acquired > scenario.asOf {
                    report("\(lotPath()).acquired", "\(lots[l].acquired) is after asOf \(scenario.asOf)")
                }
                // (One hash of the id: the first lot with it is put back where a later one has it too.)
                if let id = lots[l].id, let first = lotIDs.updateValue((a, l), forKey: id) {
                    lotIDs[id] = first
                    report("\(lotPath()).id", "duplicate lot id \"\(id)\" (also \(paths.lot(first.account, first.lot)))")
                }
            }
            guard complete, priced else { continue }
            // Under minTrade, a symbol whose sellable lots are worth less than it cannot be sold.
            var tooSmall = 0.0
            if account.minTrade > 0 {
                var bySymbol: [String: Double] = [:]
                for lot in account.lots where !lot.doNotSell { bySymbol[lot.symbol, default: 0] += scenario.prices[lot.symbol]! * lot.shares }
                tooSmall = bySymbol.values.filter { $0 < account.minTrade }.reduce(0, +)
                sellable -= tooSmall
            }
            guard holdings <= Self.largestValue else {
                report(path, "the lots are worth \(money(holdings)); values above $1e15 are not supported")
                continue
            }
            // What the account can raise: its cash and the lots it may sell (doNotSell lots stay).
            let available = account.cash + account.flow + sellable
            // Amounts given to the cent do not add up exactly in binary (cash $0.10 + a lot worth
            // $100.13 falls 1.4e-14 short of a $100.23 withdrawal): a shortfall below a billionth
            // of the amounts involved is rounding, and within the solver's feasibility tolerance.
            let rounding = 1e-9 * max(1, account.cash + abs(account.flow) + holdings + account.minCash)
            if available < account.minCash - rounding {
                let kept = holdings - sellable - tooSmall
                let held = kept > 0 ? "holdings it may sell" : "holdings"
                var note = kept > 0 ? " (\(money(kept)) more is in lots marked doNotSell)" : ""
                if tooSmall > 0 {
                    note += " (\(money(tooSmall)) more is in positions worth less than minTrade \(money(account.minTrade)))"
                }
                if account.flow < 0 {
                    report(
                        "\(path).flow",
                        "the withdrawal of \(money(-account.flow)) is more than account \(account.id) can raise: "
                            + "cash \(money(account.cash)) + \(held) \(money(sellable)) − minCash \(money(account.minCash)) "
                            + "= \(money(account.cash + sellable - account.minCash))\(note)")
                } else {
                    report(
                        "\(path).minCash",
                        "\(money(account.minCash)) is more than account \(account.id)'s cash and \(held) "
                            + "(\(money(available)))\(note)")
                }
            }
        }

        // Recent sales: of a known account, within the 30 days before asOf. Their symbols need
        // no price: a sale only blocks purchases, and only targeted (priced) symbols are bought.
        for (i, sale) in scenario.recentSales.enumerated() {
            let path = paths.recentSale(i)
            if accountIndex[sale.account] == nil {
                let known = scenario.accounts.map { "\"\($0.id)\"" }.joined(separator: ", ")
                report("\(path).account", "no account \"\(sale.account)\" in accounts (they are \(known))")
            }
            let age = sale.sold.days(to: scenario.asOf)
            if age < 0 {
                report("\(path).sold", "\(sale.sold) is after asOf \(scenario.asOf)")
            } else if age > RecentSale.windowDays {
                report(
                    "\(path).sold",
                    "\(sale.sold) is \(age) days before asOf \(scenario.asOf); list only sales of the "
                        + "\(RecentSale.windowDays) days before it (from \(scenario.asOf.adding(days: -RecentSale.windowDays)))")
            }
        }

        // Every group must have something to invest (I_G > 0); skip when prices are missing.
        guard complete, issues.isEmpty else { return (issues, nil) }
        let household = Household(scenario)
        for group in household.groups where !(group.investable > 0) {
            report(
                group.path,
                "\(group.name) has \(money(group.investable)) to invest after minCash; it must be more than $0.00")
        }
        return (issues, household)
    }

    private static func checkPrices(
        _ pie: Pie, _ path: String, _ prices: [String: Double], _ report: (String, String) -> Void
    ) {
        for (i, slice) in pie.slices.enumerated() {
            // Written only when needed: for a message, or a sub-pie's slices.
            func slicePath() -> String { "\(path).slices[\(i)]" }
            switch slice.content {
            case .symbol(let symbol):
                if prices[symbol] == nil { report("\(slicePath()).symbol", "no price for \"\(symbol)\" in prices") }
            case .pie(let inner):
                checkPrices(inner, slicePath(), prices, report)
            }
        }
    }

    static func money(_ x: Double) -> String { Money.format(x) }

    /// The most an account's lots may be worth: keeps every model value in the solver's range.
    static let largestValue = 1e15
}
