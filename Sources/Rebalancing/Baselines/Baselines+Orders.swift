/// The baselines' executable orders (docs/strategies.md): where an account trades whole shares or has a
/// minimum trade, `m1` rounds each order it places to what the broker takes, in the direction
/// that keeps its rules safe — an overweight slice sells down to whole shares at most its excess,
/// a withdrawal sells up to whole shares (or closes the position), a purchase buys the whole
/// shares its cash covers; an order under `minTrade` is raised to it where it must raise cash,
/// else dropped. (`fifo` sells exactly the dollars `full` sells of each symbol in each account,
/// so `full`'s executable orders stay executable.)
extension Baselines {
    /// Below this many shares a number of shares is whole: a float's rounding.
    private static let wholeTolerance = 1e-9

    /// The dollars of one symbol an account sells for `wanted` dollars under its order rules.
    /// `available`: the shares of the lots it may take; `closes`: whether taking all of them sells
    /// every lot of the symbol the account may sell; `roundUp`: raise at least `wanted` where the
    /// rules and the lots allow (a withdrawal), else at most `wanted` (a sale down to target).
    static func executableSale(
        _ wanted: Double, price: Double, available: Double, closes: Bool, account: Account, roundUp: Bool
    ) -> Double {
        guard account.hasOrderRules, wanted > 0, available > 0 else { return wanted }
        var shares = min(wanted / price, available)
        if account.wholeShares {
            if wanted / price >= available - wholeTolerance && closes {
                shares = available
            } else {
                shares = roundUp ? (shares - wholeTolerance).rounded(.up) : (shares + wholeTolerance).rounded(.down)
                if shares > available + wholeTolerance { shares = closes ? available : (available + wholeTolerance).rounded(.down) }
            }
        }
        if account.minTrade > 0 && shares * price < account.minTrade {
            guard roundUp else { return 0 }
            // The smallest order worth minTrade (in whole shares where they apply), if the lots hold it.
            var least = account.minTrade / price
            if account.wholeShares { least = (least - wholeTolerance).rounded(.up) }
            if least <= available + wholeTolerance {
                shares = min(least, available)
            } else {
                shares = closes && available * price >= account.minTrade ? available : 0
            }
        }
        return shares * price
    }

    /// The dollars of one symbol an account buys for `wanted` dollars: the whole shares they
    /// cover, and nothing under `minTrade`.
    static func executablePurchase(_ wanted: Double, price: Double, account: Account) -> Double {
        guard account.hasOrderRules else { return wanted }
        var dollars = wanted
        if account.wholeShares { dollars = (wanted / price + wholeTolerance).rounded(.down) * price }
        if account.minTrade > 0 && dollars < account.minTrade { dollars = 0 }
        return dollars
    }
}
