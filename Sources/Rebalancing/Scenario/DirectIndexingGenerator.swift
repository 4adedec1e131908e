import Foundation

// The direct-indexing profile of `Generator` (`rebalance generate --profile direct-indexing`):
// one household as a direct-indexing client has it after years of monthly investing.
//
// - Pie "Core": a nested "US stocks" slice of `symbols` stocks (S0001, S0002, …) weighted by
//   capitalization, which falls off like a power law (weight of the r-th largest ∝ r^−α, α drawn
//   in 0.8…1.1), an international fund (VXUS) and a bond fund (BND). The US slice takes 55–70%.
// - A taxable account that bought every stock monthly (on the 5th) for years, at the index's
//   weights with some noise, and reinvested the quarterly dividends of the stocks that pay them.
//   Prices follow random walks (a market factor and each stock's own), so old lots mostly carry
//   gains and recent ones gains and losses alike. The last monthly buy was in October: today's
//   deposit is November's. A dividend reinvested within the 30 days before asOf makes that stock's
//   loss lots caught by the look-back, as it would in an account like this.
// - An IRA (taxDeferred) holding BND and VXUS, and a Roth (taxExempt) holding VXUS, bought yearly.
// - The household is off target by a few percent (dividends reinvested where they were paid, the
//   buys' noise, the funds a few percent off) and has a deposit of 1–3% of the taxable account.
//
// `lots` lots in all: about one in twenty (at most 60) are the funds', the rest spread evenly over
// the stocks (the first ones get one more when it does not divide). Fewer lots than stocks leave
// the last stocks unheld. The same seed and index give the same household.
extension Generator {
    static let internationalFund = "VXUS"
    static let bondFund = "BND"

    func directIndexingHousehold(_ index: Int) -> Scenario {
        // A stream of its own, so that no household of this profile repeats a default one's draws.
        var rng = SplitMix64(seed: (seed &+ UInt64(index) &* 0x9E37_79B9_7F4A_7C15) ^ 0xD1_2EC7_1DE8)
        let n = symbols
        let stocks = (0..<n).map { "S" + zeroPadded4($0 + 1) }

        // Target: US stocks, international, bonds (integer percent), cap weights inside US.
        let usWeight = Double(rng.int(in: 55...70))
        let bondWeight = Double(rng.int(in: 10...20))
        let intlWeight = 100 - usWeight - bondWeight
        let alpha = Double(rng.int(in: 80...110)) / 100
        let capWeights = Self.powerLawWeights(n, alpha: alpha)

        // Prices now, and each stock's monthly volatility and dividend.
        var prices: [String: Double] = [:]
        var volatility: [Double] = []
        var dividendMonth: [Int?] = []  // month mod 3 on which the dividend is paid, nil: none
        var dividendDay: [Int] = []
        var dividendYield: [Double] = []
        for s in stocks {
            // Log-uniform between $10 and $800.
            let price = (exp(log(10.0) + Double(rng.int(in: 0...10_000)) / 10_000 * log(80.0)) * 100).rounded() / 100
            prices[s] = max(0.01, price)
            volatility.append(Double(rng.int(in: 40...100)) / 1000)
            let pays = rng.chance(0.6)
            dividendMonth.append(pays ? rng.int(in: 0...2) : nil)
            dividendDay.append(rng.int(in: 8...28))
            dividendYield.append(pays ? Double(rng.int(in: 30...250)) / 10_000 : 0)
        }
        prices[Self.internationalFund] = Double(rng.int(in: 5000...7000)) / 100
        prices[Self.bondFund] = Double(rng.int(in: 6800...7600)) / 100

        // Lots: the funds' share, then the stocks'.
        let fundLots = lots >= 3 ? min(60, max(3, lots / 20)) : 0
        let stockLots = lots - fundLots
        let perStock = (0..<n).map { stockLots / n + ($0 < stockLots % n ? 1 : 0) }
        let deepest = (perStock.first ?? 0) + 2  // months of history a stock can need (and two more)

        // The market, as a path backwards from today: market[m] = level m months ago / today's.
        var market = [1.0]
        for _ in 0..<deepest { market.append(market.last! / exp(0.008 + 0.045 * rng.normal())) }
        /// The monthly budget m months ago: $20 per stock today, growing 3% a year.
        func budget(_ m: Int) -> Double { 20 * Double(max(n, 1)) * pow(1.03, -Double(m) / 12) }

        let asOfMonth = asOf.year * 12 + (asOf.month - 1)
        func day(monthsBack m: Int, _ d: Int) -> Day {
            let month = asOfMonth - m
            return Day(year: month / 12, month: month % 12 + 1, day: d)!
        }

        var taxable = Account(id: "taxable", type: .taxable)
        var stockValue = 0.0
        for (i, symbol) in stocks.enumerated() where perStock[i] > 0 {
            let now = prices[symbol]!
            // The stock's own path, backwards, with the market's: price[m] m months ago.
            var own = [1.0]
            var price = [now]
            for m in 1...deepest {
                own.append(own.last! / exp(volatility[i] * rng.normal() - volatility[i] * volatility[i] / 2))
                price.append(now * market[m] * own[m])
            }
            // Events newest first: dividends reinvested (on their day, when paid this quarter month)
            // and the monthly buys (on the 5th, from October back); then oldest first to simulate.
            var events: [(monthsBack: Int, acquired: Day, isDividend: Bool)] = []
            var m = 0
            while events.count < perStock[i] {
                let month = asOfMonth - m
                if let paid = dividendMonth[i], month % 3 == paid {
                    let date = day(monthsBack: m, dividendDay[i])
                    if date <= asOf { events.append((m, date, true)) }
                }
                if m >= 1 && events.count < perStock[i] { events.append((m, day(monthsBack: m, 5), false)) }
                m += 1
            }
            events.reverse()
            var held = 0.0
            for event in events {
                let paid = price[min(event.monthsBack, deepest)]
                let dollars: Double
                if event.isDividend {
                    // A quarter's dividend on what is held, reinvested (a first buy if nothing is yet).
                    dollars = held > 0 ? held * paid * dividendYield[i] / 4 : budget(event.monthsBack) * capWeights[i] / 100
                } else {
                    // The index's weight then (the stock's cap moved with its own path), with noise.
                    let noise = 0.85 + 0.3 * Double(rng.int(in: 0...1000)) / 1000
                    dollars = budget(event.monthsBack) * capWeights[i] / 100 * own[event.monthsBack] * noise
                }
                let shares = max(1e-6, (dollars / paid * 1e6).rounded() / 1e6)
                held += shares
                taxable.lots.append(
                    Lot(symbol: symbol, shares: shares, costBasis: (shares * paid * 100).rounded() / 100, acquired: event.acquired))
            }
            stockValue += held * now
        }

        // The funds: a few percent off their targets, bought yearly (on 15 January).
        let total = max(stockValue / (usWeight / 100), 10_000)
        func off() -> Double { 1 + (rng.chance(0.5) ? 1 : -1) * Double(rng.int(in: 2...8)) / 100 }
        let bondValue = total * bondWeight / 100 * off()
        let intlValue = total * intlWeight / 100 * off()
        var ira = Account(id: "ira", type: .taxDeferred, cash: Double(rng.int(in: 0...50_000)) / 100)
        var roth = Account(id: "roth", type: .taxExempt, cash: Double(rng.int(in: 0...20_000)) / 100)
        let iraBond = fundLots / 3, iraIntl = fundLots / 3, rothIntl = fundLots - iraBond - iraIntl
        let intlInIRA = 0.4 + 0.3 * Double(rng.int(in: 0...100)) / 100
        ira.lots += yearlyFundLots(Self.bondFund, value: bondValue, count: iraBond, volatility: 0.012, &rng, prices)
        ira.lots += yearlyFundLots(Self.internationalFund, value: intlValue * intlInIRA, count: iraIntl, volatility: 0.04, &rng, prices)
        roth.lots += yearlyFundLots(Self.internationalFund, value: intlValue * (1 - intlInIRA), count: rothIntl, volatility: 0.04, &rng, prices)
        if ira.lots.isEmpty && ira.cash == 0 { ira.cash = 1000 }
        if roth.lots.isEmpty && roth.cash == 0 { roth.cash = 1000 }

        taxable.cash = (stockValue * Double(rng.int(in: 0...30)) / 10_000 * 100).rounded() / 100
        taxable.flow = max(1000, (stockValue * Double(rng.int(in: 100...300)) / 10_000).rounded())

        var tax = TaxSettings()
        tax.shortTermRate = 0.37
        tax.longTermRate = 0.20
        tax.realizedThisYear = TermAmounts(shortTerm: Double(rng.int(in: 0...50)) * 100, longTerm: Double(rng.int(in: 0...200)) * 100)

        let usPie = Pie(name: "US stocks", slices: zip(stocks, capWeights).map { Slice(weight: $1, content: .symbol($0)) })
        let pie = Pie(
            name: "Core",
            slices: [
                Slice(weight: usWeight, content: .pie(usPie)),
                Slice(weight: intlWeight, content: .symbol(Self.internationalFund)),
                Slice(weight: bondWeight, content: .symbol(Self.bondFund)),
            ])
        return Scenario(
            name: "Direct indexing \(index + 1)", asOf: asOf, tax: tax, prices: prices, pie: pie,
            accounts: [taxable, ira, roth])
    }

    /// `count` yearly lots of a fund worth `value` today, bought on 15 January of the years before.
    private func yearlyFundLots(
        _ symbol: String, value: Double, count: Int, volatility: Double, _ rng: inout SplitMix64, _ prices: [String: Double]
    ) -> [Lot] {
        guard count > 0, value > 0 else { return [] }
        let now = prices[symbol]!
        var price = now
        var bought: [(Day, Double, Double)] = []  // acquired, price then, dollars then
        for k in 1...count {
            for _ in 0..<12 { price /= exp(0.005 + volatility * rng.normal()) }
            let acquired = Day(year: asOf.year - k, month: 1, day: 15)!
            bought.append((acquired, price, pow(1.05, -Double(k))))
        }
        // Shares so that the lots are worth `value` today.
        let scale = value / bought.reduce(0) { $0 + $1.2 / $1.1 * now }
        return bought.reversed().map { acquired, paid, dollars in
            let shares = max(1e-6, (dollars * scale / paid * 1e6).rounded() / 1e6)
            return Lot(symbol: symbol, shares: shares, costBasis: (shares * paid * 100).rounded() / 100, acquired: acquired)
        }
    }

    /// `count` weights in percent falling off like r^−α, each > 0, summing to 100 (6 decimals; the
    /// rounding left over goes to the largest).
    static func powerLawWeights(_ count: Int, alpha: Double) -> [Double] {
        guard count > 0 else { return [] }
        let raw = (1...count).map { pow(Double($0), -alpha) }
        let sum = raw.reduce(0, +)
        var weights = raw.map { max(1e-6, ($0 / sum * 100 * 1e6).rounded() / 1e6) }
        weights[0] = ((100 - weights.dropFirst().reduce(0, +)) * 1e6).rounded() / 1e6
        return weights
    }
}

extension SplitMix64 {
    /// A standard normal draw (Box–Muller).
    mutating func normal() -> Double {
        let u = Double.random(in: Double.ulpOfOne..<1, using: &self)
        let v = Double.random(in: 0..<1, using: &self)
        return (-2 * log(u)).squareRoot() * cos(2 * .pi * v)
    }
}
