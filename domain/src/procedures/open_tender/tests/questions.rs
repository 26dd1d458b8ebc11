//! TV-4: a question asked and answered in enquiries.

use serde_json::json;

use super::super::*;
use super::fixtures::*;
use crate::procedures::common::disclosure;
use crate::procurement::RefusalKind;
use crate::testing::{Spec, id};

fn ask() -> Command {
    Command::AskQuestion {
        actor: Actor {
            broker: "broker-q".into(),
            token_hash: None,
        },
        question: Box::new(
            serde_json::from_value(json!({
                "author": {"name": "Запитувач", "identifier": {"scheme": "UA-EDR", "id": "00000001"},
                           "address": {"countryName": "Україна"}},
                "title": "Калорійність",
                "description": "Просимо додати таблицю"
            }))
            .expect("a question"),
        ),
        author_hash: "d41d8cd98f00b204e9800998ecf8427e".into(),
    }
}

fn answer(actor: Actor, question_id: &str) -> Command {
    Command::AnswerQuestion {
        actor,
        question_id: question_id.to_owned(),
        answer: "Таблицю додано".into(),
    }
}

#[test]
fn tv4_question_asked_and_answered_in_enquiries() {
    let mut spec = Spec::<OpenTender>::given(enquiries()).at(at("2027-01-01T00:10:05+02:00"));
    let asked = spec.step(ask());
    let [Event::QuestionAsked { question }] = asked.as_slice() else {
        panic!("not asked: {asked:?}");
    };
    assert_eq!(question.question_of, "tender");
    let question_id = id(1);
    assert_eq!(question.id, question_id);
    spec.step(answer(owner(), &question_id));
    let state = spec.state();
    let public = disclosure::public_document::<OpenTender>(state).expect("a document");
    let shown = &public["questions"][0];
    assert_eq!(
        shown["author"],
        json!({"hash": "d41d8cd98f00b204e9800998ecf8427e"})
    );
    assert_eq!(shown["answer"], json!("Таблицю додано"));
    assert!(shown.get("dateAnswered").is_some());
    assert!(shown.get("authorHash").is_none());

    // After the enquiry period: no more questions.
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-08T00:00:01+02:00"))
        .when(ask())
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can add question only in enquiryPeriod"
    );

    // Answers only until clarificationsUntil.
    let mut late = Spec::<OpenTender>::given(spec.history().to_vec());
    late.record([Event::TenderingStarted {
        at: at("2027-01-08T00:00:00+02:00"),
    }]);
    let late = late.at(at("2027-01-09T00:00:01+02:00"));
    let refused = late
        .when(answer(owner(), &question_id))
        .then_refused(RefusalKind::Forbidden, "data");
    assert_eq!(
        refused.description,
        "Can update question only before enquiryPeriod.clarificationsUntil"
    );
    // Answered only by the tender's owner.
    spec.when(answer(bidder(11), &question_id))
        .then_refused(RefusalKind::Forbidden, "permission");
}

/// Spec §13: questions about a lot are deferred, and say so.
#[test]
fn a_question_about_a_lot_is_refused_as_deferred() {
    let Command::AskQuestion {
        actor,
        mut question,
        author_hash,
    } = ask()
    else {
        unreachable!()
    };
    question.question_of = Some("lot".into());
    let refused = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-02T00:00:00+02:00"))
        .when(Command::AskQuestion {
            actor,
            question,
            author_hash,
        })
        .then_refused(RefusalKind::Invalid, "questionOf");
    assert_eq!(refused.description, decide::LOT_QUESTIONS_DEFERRED);
}

/// The public event log shows a question's author by the hash only.
#[test]
fn the_event_log_hides_the_question_author() {
    use crate::Published;
    let events = Spec::<OpenTender>::given(enquiries())
        .at(at("2027-01-01T00:10:05+02:00"))
        .when(ask())
        .then_events();
    let shown = OpenTender::public_event(&events[0]);
    assert!(shown.withheld);
    assert_eq!(
        shown.data["question"]["author"],
        json!({"hash": "d41d8cd98f00b204e9800998ecf8427e"})
    );
    assert!(shown.data["question"].get("authorHash").is_none());
}
