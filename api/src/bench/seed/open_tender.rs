//! Open tenders (belowThreshold) in the seeded corpus: a draft; a tender
//! published with its lot and left in enquiries; one cancelled during
//! enquiries; one with no bids (`unsuccessful`); one with one to three bids
//! that goes through the server's auction (nobody lowering) or straight to
//! qualification, an award, and a contract reported signed (`complete`).

use axum::http::Method;
use chrono::TimeDelta;
use rand::Rng;
use rand::rngs::StdRng;
use serde_json::{Value as Json, json};

use super::{
    BROKER_KEY, CONTRACTING_KEY, OTHER_KEY, Outcome, SUPPLIERS, SeedError, Seeder, amount, firm,
    money, text, title, words,
};

impl Seeder {
    pub(super) async fn open_tender(
        &self,
        outcome: Outcome,
        rng: &mut StdRng,
    ) -> Result<String, SeedError> {
        let (buyer, code, region) = self.organisation(rng);
        let (cpv, cpv_name) = words::CPV[rng.random_range(0..words::CPV.len())];
        let quantity = rng.random_range(1..100u64);
        // A whole number of kopecks per unit, so bids can price the items
        // to the kopeck.
        let unit = money(rng) / quantity + 1;
        let kopecks = unit * quantity;
        let request = json!({"data": {
            "procurementMethodType": "belowThreshold",
            "title": title(rng, cpv_name),
            "mainProcurementCategory": "goods",
            "procuringEntity": {
                "name": buyer,
                "identifier": {"scheme": "UA-EDR", "id": code, "legalName": buyer},
                "address": {"countryName": "Україна", "region": region, "locality": region},
                "contactPoint": {"name": buyer, "telephone": "+380440000000"},
                "kind": "general"
            },
            "value": {"amount": amount(kopecks), "currency": "UAH"},
            "items": [{
                "description": cpv_name,
                "classification": {"scheme": "ДК021", "id": cpv, "description": cpv_name},
                "unit": {"name": "штука", "code": "H87"},
                "quantity": quantity
            }],
            "enquiryPeriod": {"endDate": self.kyiv(TimeDelta::days(8))},
            "tenderPeriod": {"endDate": self.kyiv(TimeDelta::days(16))}
        }});
        let created = self
            .json(Method::POST, "/api/2.5/tenders", BROKER_KEY, request)
            .await?;
        let id = text(&created["data"]["id"])?;
        let token = text(&created["access"]["token"])?;
        let path = format!("/api/2.5/tenders/{id}");
        let owned = |suffix: &str| format!("{path}{suffix}?acc_token={token}");
        if outcome == Outcome::Draft {
            return Ok(path);
        }
        let lot = self
            .json(
                Method::POST,
                &owned("/lots"),
                BROKER_KEY,
                json!({"data": {
                    "title": "Лот 1",
                    "value": {"amount": amount(kopecks), "currency": "UAH"},
                    "minimalStep": {"amount": amount((kopecks / 100).max(1)), "currency": "UAH"}
                }}),
            )
            .await?;
        let lot = text(&lot["data"]["id"])?;
        let mut items = created["data"]["items"].clone();
        items[0]["relatedLot"] = json!(lot);
        self.json(
            Method::PATCH,
            &owned(""),
            BROKER_KEY,
            json!({"data": {"items": items}}),
        )
        .await?;
        let proforma = self
            .upload(
                "proforma.pdf",
                "application/pdf",
                format!("%PDF-1.4 contract proforma of {id}"),
                "contractProforma",
            )
            .await?;
        self.json(
            Method::POST,
            &owned("/documents"),
            BROKER_KEY,
            json!({ "data": proforma }),
        )
        .await?;
        self.sign_tender(&owned("/documents"), &id).await?;
        self.json(
            Method::PATCH,
            &owned(""),
            BROKER_KEY,
            json!({"data": {"status": "active.enquiries"}}),
        )
        .await?;
        match outcome {
            Outcome::Tendering | Outcome::Draft => return Ok(path),
            Outcome::Cancelled => {
                self.clock
                    .advance(TimeDelta::hours(rng.random_range(1..48)));
                self.cancel_tender(&path, &token).await?;
                return Ok(path);
            }
            Outcome::Unsuccessful | Outcome::Complete => {}
        }
        self.until_past(&path, "enquiryPeriod").await?;
        if outcome == Outcome::Complete {
            let bids = rng.random_range(1..=3usize);
            let first = rng.random_range(0..SUPPLIERS);
            for b in 0..bids {
                self.clock
                    .advance(TimeDelta::minutes(rng.random_range(5..600)));
                let supplier = &self.organisations[(first + b) % SUPPLIERS];
                let share = rng.random_range(60..100u64);
                let bid_unit = (unit * share / 100).max(1);
                self.bid(
                    &path,
                    &lot,
                    &items[0],
                    (supplier, region),
                    bid_unit,
                    quantity,
                )
                .await?;
            }
        }
        self.until_past(&path, "tenderPeriod").await?;
        let tender = self.get(&path).await?;
        if tender["data"]["status"] == "active.auction" {
            // Nobody lowers: the auction ends with the sealed prices.
            self.clock.advance(TimeDelta::days(5));
            self.scheduler().await?;
        }
        if outcome != Outcome::Complete {
            return Ok(path);
        }
        let Some(contract) = self.qualify_first(&path, &token, rng).await? else {
            return Ok(path);
        };
        // Contracts of belowThreshold are signed in contracting.
        self.clock.advance(TimeDelta::days(rng.random_range(1..5)));
        self.json(
            Method::PATCH,
            &format!("{path}/contracts/{contract}"),
            CONTRACTING_KEY,
            json!({"data": {"status": "active"}}),
        )
        .await?;
        Ok(path)
    }

    /// A bid of `unit` kopecks per unit by `supplier`, signed and submitted.
    async fn bid(
        &self,
        path: &str,
        lot: &str,
        item: &Json,
        (supplier, region): (&(&'static str, String), &str),
        unit: u64,
        quantity: u64,
    ) -> Result<(), SeedError> {
        let mut priced = item.clone();
        priced["unit"]["value"] =
            json!({"amount": amount(unit), "currency": "UAH", "valueAddedTaxIncluded": false});
        let created = self
            .json(
                Method::POST,
                &format!("{path}/bids"),
                OTHER_KEY,
                json!({"data": {
                    "tenderers": [firm(supplier.0, &supplier.1, region, false)],
                    "status": "draft",
                    "lotValues": [{"value": {"amount": amount(unit * quantity)}, "relatedLot": lot}],
                    "items": [priced]
                }}),
            )
            .await?;
        let bid = text(&created["data"]["id"])?;
        let token = text(&created["access"]["token"])?;
        let signature = self
            .upload(
                "sign.p7s",
                "application/pkcs7-signature",
                format!("proposal signature of {bid}"),
                "proposal",
            )
            .await?;
        self.json(
            Method::POST,
            &format!("{path}/bids/{bid}/documents?acc_token={token}"),
            OTHER_KEY,
            json!({ "data": signature }),
        )
        .await?;
        self.json(
            Method::PATCH,
            &format!("{path}/bids/{bid}?acc_token={token}"),
            OTHER_KEY,
            json!({"data": {"status": "pending"}}),
        )
        .await?;
        Ok(())
    }

    /// The owner cancels with its signed report.
    async fn cancel_tender(&self, path: &str, token: &str) -> Result<(), SeedError> {
        let cancellation = self
            .json(
                Method::POST,
                &format!("{path}/cancellations?acc_token={token}"),
                BROKER_KEY,
                json!({"data": {"reason": "Відсутність потреби", "reasonType": "noDemand"}}),
            )
            .await?;
        let cancellation = format!(
            "{path}/cancellations/{}",
            text(&cancellation["data"]["id"])?
        );
        let report = self
            .upload(
                "sign.p7s",
                "application/pkcs7-signature",
                format!("cancellation report of {path}"),
                "cancellationReport",
            )
            .await?;
        self.json(
            Method::POST,
            &format!("{cancellation}/documents?acc_token={token}"),
            BROKER_KEY,
            json!({ "data": report }),
        )
        .await?;
        self.json(
            Method::PATCH,
            &format!("{cancellation}?acc_token={token}"),
            BROKER_KEY,
            json!({"data": {"status": "active"}}),
        )
        .await?;
        Ok(())
    }
}
