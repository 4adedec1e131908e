import Rebalancing

// MARK: - Small scenarios

/// Builds small valid scenarios around the model's edges from a seed.
public enum SmallScenarioBuilder {
    public static let tickers = ["VTI", "VXUS", "BND", "ON", "BRK.B", "TIP"]
    public static let asOfChoices = ["2026-11-20", "2028-02-29", "2027-03-01", "2025-01-01", "2028-03-01"]

    public static func make(seed: UInt64) -> Scenario {
        var rng = SplitMix64(seed: seed ^ 0x5EED_5EED_5EED_5EED)
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func pick<T>(_ items: [T]) -> T { items[int(0...(items.count - 1))] }
        func cents(_ range: ClosedRange<Int>) -> Double { Double(int(range)) / 100 }

        let asOf = Day(pick(asOfChoices))!
        let symbolCount = int(2...5)
        let names = Array(tickers.shuffled(using: &rng).prefix(symbolCount))
        var prices: [String: Double] = [:]
        for name in names { prices[name] = chance(0.1) ? pick([0.37, 1.5, 4321.09]) : cents(500...40_000) }

        // Acquisition dates on the edges: today, the 30/31-day look-back boundary, exactly a year
        // (short-term) and a year and a day (long-term), leap days, and anything older.
        func acquired() -> Day {
            switch int(0...9) {
            case 0: return asOf
            case 1: return Day(ordinal: asOf.ordinal - pick([1, 29, 30, 31, 32]))
            case 2:
                let d = asOf.month == 2 && asOf.day == 29 ? 28 : asOf.day
                let sameDay = Day(year: asOf.year - 1, month: asOf.month, day: d)!
                return Day(ordinal: sameDay.ordinal + pick([-1, 0, 1]))
            case 3: return pick([Day("2024-02-29")!, Day("2024-02-28")!, Day("2024-03-01")!, Day("2020-02-29")!].filter { $0 <= asOf })
            default: return Day(ordinal: asOf.ordinal - int(33...4000))
            }
        }

        func weights(_ n: Int) -> [Double] {
            if n == 3 && chance(0.2) { return [33.33, 33.33, 33.34] }
            if n == 1 { return [100] }
            var cuts = Set<Int>()
            while cuts.count < n - 1 { cuts.insert(int(1...99)) }
            let points = [0] + cuts.sorted() + [100]
            return (0..<n).map { Double(points[$0 + 1] - points[$0]) }
        }
        func pie(_ pool: [String], depth: Int) -> Pie {
            var members = pool
            if chance(0.15), let first = members.first { members.append(first) }  // a symbol in two leaves
            if depth < 2 && members.count >= 3 && chance(0.35) {
                let cut = int(1...(members.count - 1))
                let w = weights(2)
                return Pie(
                    name: "Sleeve\(depth)",
                    slices: [
                        Slice(weight: w[0], content: .pie(pie(Array(members[..<cut]), depth: depth + 1))),
                        Slice(weight: w[1], content: .pie(pie(Array(members[cut...]), depth: depth + 1))),
                    ])
            }
            let w = weights(members.count)
            return Pie(name: depth == 0 ? "Core" : nil, slices: zip(members, w).map { Slice(weight: $1, content: .symbol($0)) })
        }
        func subset() -> [String] {
            let shuffled = names.shuffled(using: &rng)
            return Array(shuffled.prefix(chance(0.7) ? shuffled.count : int(1...shuffled.count)))
        }

        var accounts: [Account] = []
        for i in 0..<int(1...3) {
            let type = pick(AccountType.allCases)
            var account = Account(id: "\(type.rawValue)-\(i)", type: type, cash: chance(0.3) ? 0 : cents(0...2_000_000))
            for l in 0..<int(0...6) {
                let symbol = pick(names)
                let price = prices[symbol]!
                let shares = chance(0.5) ? Double(int(1...300)) : cents(1...30_000)
                let factor = chance(0.15) ? pick([0.0, 1.0]) : Double(int(30...180)) / 100
                let basis = (price * factor * shares * 100).rounded() / 100
                account.lots.append(
                    Lot(id: chance(0.4) ? "L\(i)-\(l)" : nil, symbol: symbol, shares: shares, costBasis: basis, acquired: acquired()))
            }
            let holdings = account.lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
            if chance(0.25) { account.minCash = Double(int(0...500)) }
            if chance(0.25) {
                account.flow = Double(int(1...20_000))
            } else if chance(0.25), account.cash + holdings > 0 {
                // A withdrawal up to everything the account can raise.
                let most = account.cash + holdings - account.minCash
                if most > 1 { account.flow = -(most * Double(int(5...100)) / 100 * 100).rounded(.down) / 100 }
            }
            if account.cash + account.flow + holdings < account.minCash { account.minCash = 0 }
            if i > 0 && chance(0.25) { account.pie = pie(subset(), depth: 0) }
            accounts.append(account)
        }
        // Every group needs something to invest.
        for a in accounts.indices where accounts[a].pie != nil {
            let holdings = accounts[a].lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
            if accounts[a].cash + accounts[a].flow + holdings - accounts[a].minCash <= 1 { accounts[a].cash += 1000 }
        }
        let shared = accounts.indices.filter { accounts[$0].pie == nil }
        let sharedValue = shared.reduce(0.0) { total, a in
            total + accounts[a].cash + accounts[a].flow - accounts[a].minCash
                + accounts[a].lots.reduce(0) { $0 + prices[$1.symbol]! * $1.shares }
        }
        if !shared.isEmpty && sharedValue <= 1 { accounts[shared[0]].cash += 1000 }

        var tax = TaxSettings()
        let rates = pick([(0.35, 0.15), (0.24, 0.15), (0.37, 0.20), (0.0, 0.0), (0.5, 0.5), (0.1, 0.3)])
        tax.shortTermRate = rates.0
        tax.longTermRate = rates.1
        if chance(0.4) {
            tax.realizedThisYear = TermAmounts(shortTerm: Double(int(-8000...8000)), longTerm: Double(int(-8000...20000)))
        }
        if chance(0.3) { tax.carryforwardLoss = TermAmounts(shortTerm: Double(int(0...5000)), longTerm: Double(int(0...5000))) }
        if chance(0.3) { tax.ordinaryOffsetLimit = pick([0, 1500, 3000, 10_000]) }

        let householdPie = pie(subset(), depth: 0)

        // Recent loss sales, drawn last so that earlier seeds keep their households: on asOf,
        // inside the 30-day window or at its edge; of a symbol held or targeted, or long gone.
        var recentSales: [RecentSale] = []
        if chance(0.3) {
            for _ in 0..<int(1...2) {
                recentSales.append(
                    RecentSale(
                        account: pick(accounts).id, symbol: chance(0.8) ? pick(names) : "GONE", shares: Double(int(1...100)),
                        loss: cents(0...500_000), sold: Day(ordinal: asOf.ordinal - pick([0, 1, 15, 29, 30]))))
            }
        }
        // doNotSell lots and canBuy menus, drawn after everything else (earlier seeds unchanged):
        // lots are marked only where the account needs no sale (no withdrawal, cash ≥ minCash), so
        // the scenario stays valid; a menu is any subset of the symbols, possibly empty.
        for a in accounts.indices {
            if chance(0.3), accounts[a].flow >= 0, accounts[a].cash + accounts[a].flow >= accounts[a].minCash {
                for l in accounts[a].lots.indices where chance(0.4) { accounts[a].lots[l].doNotSell = true }
            }
            if chance(0.2) { accounts[a].canBuy = names.filter { _ in chance(0.5) } }
        }
        // Alternates and identical groups, drawn after everything else (earlier seeds keep their
        // households otherwise). A leaf may get alternates: symbols that are no leaf of its pie and
        // in no other class there, from the scenario's symbols (an untargeted holding becomes an
        // alternate) or new ones, which get a price and sometimes a lot (at a loss or a gain).
        var pies = [householdPie] + accounts.map { $0.pie }.compactMap { $0 }
        var identicalGroups: [[String]] = []
        if chance(0.4) {
            let extras = ["IXUS", "ITOT", "SCHB"]
            func leaves(_ pie: Pie) -> [String] {
                pie.slices.flatMap { slice -> [String] in
                    switch slice.content {
                    case .symbol(let symbol): [symbol]
                    case .pie(let inner): leaves(inner)
                    }
                }
            }
            func withAlternates(_ pie: Pie, _ used: inout Set<String>) -> Pie {
                var pie = pie
                for i in pie.slices.indices {
                    switch pie.slices[i].content {
                    case .symbol:
                        guard chance(0.5) else { continue }
                        for candidate in (names + extras).shuffled(using: &rng).prefix(int(1...2)) where !used.contains(candidate) {
                            used.insert(candidate)
                            pie.slices[i].alternates.append(candidate)
                        }
                    case .pie(let inner):
                        pie.slices[i].content = .pie(withAlternates(inner, &used))
                    }
                }
                return pie
            }
            for p in pies.indices {
                var used = Set(leaves(pies[p]))
                pies[p] = withAlternates(pies[p], &used)
            }
            var alternates: [String] = []
            for pie in pies {
                func collect(_ pie: Pie) {
                    for slice in pie.slices {
                        alternates += slice.alternates
                        if case .pie(let inner) = slice.content { collect(inner) }
                    }
                }
                collect(pie)
            }
            for symbol in alternates where prices[symbol] == nil { prices[symbol] = cents(500...40_000) }
            // Lots of alternates, so that a swap between members has something to sell.
            for symbol in Set(alternates).sorted() where chance(0.5) {
                let a = int(0...(accounts.count - 1))
                let shares = Double(int(1...200))
                let basis = (prices[symbol]! * Double(int(50...150)) / 100 * shares * 100).rounded() / 100
                accounts[a].lots.append(Lot(symbol: symbol, shares: shares, costBasis: basis, acquired: acquired()))
            }
            // Menus that list alternates (a 401k's funds).
            for a in accounts.indices where accounts[a].canBuy != nil && chance(0.5) {
                for symbol in Set(alternates).sorted() where chance(0.5) && !accounts[a].canBuy!.contains(symbol) {
                    accounts[a].canBuy!.append(symbol)
                }
            }
        }
        if chance(0.3) {
            // Identical groups: a leaf with its alternate (VOO and IVV), or any two symbols.
            var free = prices.keys.sorted().shuffled(using: &rng)
            while free.count >= 2 && identicalGroups.count < 2 && chance(0.7) {
                identicalGroups.append([free.removeLast(), free.removeLast()])
            }
        }
        let ownPies = accounts.indices.filter { accounts[$0].pie != nil }
        for (i, a) in ownPies.enumerated() { accounts[a].pie = pies[i + 1] }
        return Scenario(
            name: "Small \(seed)", asOf: asOf, tax: tax, prices: prices, pie: pies[0], accounts: accounts,
            recentSales: recentSales, identicalGroups: identicalGroups)
    }
}
