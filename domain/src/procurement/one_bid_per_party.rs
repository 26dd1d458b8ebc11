//! One bid per party (a tenderer, a sale's participant), enforced without
//! telling anyone who has bid: at submission a broker is refused only a
//! second bid it placed itself, and a party that bid through several
//! brokers is resolved when bidding closes: its first bid takes part, the
//! later ones are left out.

use super::Organization;

/// A party to a bid, known by the register and the code of its
/// identifier; implemented by each procedure's organisation model.
pub trait Party {
    /// `(identifier.scheme, identifier.id)`.
    fn key(&self) -> (&str, &str);
}

impl Party for Organization {
    fn key(&self) -> (&str, &str) {
        (&self.identifier.scheme, &self.identifier.id)
    }
}

/// The ids of the bids, among `bids` (in submission order, each with its
/// id and its parties), that are left out because a party of theirs already
/// has an earlier bid in the list.
pub fn later_bids_of_the_same_party<'b, P: Party + 'b>(
    bids: impl IntoIterator<Item = (&'b str, &'b [P])>,
) -> Vec<String> {
    let mut seen: Vec<(&str, &str)> = Vec::new();
    let mut later = Vec::new();
    for (id, parties) in bids {
        let identifiers: Vec<_> = parties.iter().map(Party::key).collect();
        if identifiers
            .iter()
            .any(|identifier| seen.contains(identifier))
        {
            later.push(id.to_owned());
        } else {
            seen.extend(identifiers);
        }
    }
    later
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn party(code: &str) -> Organization {
        serde_json::from_value(json!({
            "name": code,
            "identifier": {"scheme": "UA-EDR", "id": code},
            "address": {"countryName": "Україна"}
        }))
        .expect("organization")
    }

    #[test]
    fn the_first_bid_of_a_party_takes_part_and_its_later_ones_do_not() {
        let (a, b) = (vec![party("1")], vec![party("2")]);
        let bids = [
            ("x", a.as_slice()),
            ("y", b.as_slice()),
            ("z", a.as_slice()),
            ("w", a.as_slice()),
        ];
        assert_eq!(later_bids_of_the_same_party(bids), ["z", "w"]);
        assert!(
            later_bids_of_the_same_party([("x", a.as_slice()), ("y", b.as_slice())]).is_empty()
        );
    }
}
