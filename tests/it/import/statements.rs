//! The import's statements run on the staging table itself: duplicate
//! removal, each ticket's contact by number or by email, and each person's
//! latest details, whether attrib or the database chooses them.

use super::*;

/// The import's temporary tables, as an import creates them.
async fn create_staging(tx: &mut sqlx::PgConnection) {
    sqlx::raw_sql(include_str!("../../../queries/import_quicket_staging.sql"))
        .execute(tx)
        .await
        .unwrap();
}

/// Every table `create_staging` made, so that it can run again in the same
/// transaction.
async fn drop_staging(tx: &mut sqlx::PgConnection) {
    sqlx::raw_sql("DROP TABLE quicket_staging, quicket_work, quicket_people")
        .execute(tx)
        .await
        .unwrap();
}

/// Both duplicate-removal statements, on the staging table itself: the
/// full one (used when the reader saw too many possible repeats) and the
/// one limited to candidates (where false candidates must change nothing).
#[tokio::test]
async fn duplicate_removal_keeps_the_later_line() {
    let db = TestDb::migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    let fill =
        "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email, fingerprint)
                SELECT line, 'T-' || (line % 4), now(), '{}', 'x@example.org', line
                FROM generate_series(2, 11) AS line";
    let lines = "SELECT string_agg(line::text, ',' ORDER BY line) FROM quicket_staging";
    for (statement, candidates) in [
        (
            include_str!("../../../queries/import_quicket_dedupe.sql"),
            None,
        ),
        (
            include_str!("../../../queries/import_quicket_dedupe_candidates.sql"),
            Some(vec!["T-1", "T-2", "T-3", "T-0", "not-there"]),
        ),
    ] {
        create_staging(&mut tx).await;
        sqlx::raw_sql(fill).execute(&mut *tx).await.unwrap();
        let mut query = sqlx::query(statement);
        if let Some(c) = candidates {
            query = query.bind(c);
        }
        let removed = query.execute(&mut *tx).await.unwrap().rows_affected();
        assert_eq!(removed, 6);
        let kept: String = sqlx::query_scalar(lines).fetch_one(&mut *tx).await.unwrap();
        assert_eq!(kept, "8,9,10,11");
        drop_staging(&mut tx).await;
    }
    // Candidates that are not repeated change nothing.
    create_staging(&mut tx).await;
    sqlx::raw_sql(fill).execute(&mut *tx).await.unwrap();
    let removed = sqlx::query(include_str!(
        "../../../queries/import_quicket_dedupe_candidates.sql"
    ))
    .bind(vec!["not-there"])
    .execute(&mut *tx)
    .await
    .unwrap()
    .rows_affected();
    assert_eq!(removed, 0);
}

/// The tickets' insert by the people's numbers, on the staging table
/// itself: right when the numbers are 1..n, one each; when they are not (a
/// gap, a number shared, none), every line still gets its own contact, by
/// email.
#[tokio::test]
async fn tickets_found_by_number_fall_back_to_email_unless_the_numbers_are_one_each() {
    let db = db_with_event().await;
    let event: i32 = db.scalar("SELECT id FROM events").await;
    db.exec("INSERT INTO contacts (email) VALUES ('zed@example.org'), ('Known@Example.org')")
        .await;
    let holders =
        "SELECT string_agg(t.ticket_number || '=' || c.email, ' ' ORDER BY t.ticket_number)
                   FROM tickets t JOIN contacts c ON c.id = t.contact_id";
    // Lines 2..6: ann, known, bob, ann, cy; each case numbers their people.
    for (case, numbers) in [
        ("one each", [Some(1), Some(2), Some(3), Some(1), Some(4)]),
        ("a gap", [Some(1), Some(3), Some(4), Some(1), Some(5)]),
        (
            "a number shared",
            [Some(1), Some(1), Some(2), Some(1), Some(3)],
        ),
        ("one without", [Some(1), Some(2), Some(3), Some(1), None]),
    ] {
        let mut conn = db.pool.acquire().await.unwrap();
        let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
        create_staging(&mut tx).await;
        sqlx::query(
            "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email,
                                          fingerprint, person)
             SELECT n + 1, 'T-' || (n + 1), now(), '{}', ($1::text[])[n], n, ($2::int[])[n]
             FROM generate_series(1, 5) AS n",
        )
        .bind([
            "ann@example.org",
            "KNOWN@example.org",
            "bob@example.org",
            "Ann@example.org",
            "cy@example.org",
        ])
        .bind(numbers)
        .execute(&mut *tx)
        .await
        .unwrap();
        for statement in [
            include_str!("../../../queries/import_quicket_contacts_staging.sql"),
            include_str!("../../../queries/import_quicket_contacts_insert.sql"),
        ] {
            sqlx::raw_sql(statement).execute(&mut *tx).await.unwrap();
        }
        let created = sqlx::query(include_str!(
            "../../../queries/import_quicket_tickets_insert_numbered.sql"
        ))
        .bind(event)
        .execute(&mut *tx)
        .await
        .unwrap()
        .rows_affected();
        assert_eq!(created, 5, "{case}");
        let got: String = sqlx::query_scalar(holders)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(
            got,
            "T-2=Ann@example.org T-3=Known@Example.org T-4=bob@example.org \
             T-5=Ann@example.org T-6=cy@example.org",
            "{case}"
        );
        tx.rollback().await.unwrap();
    }
}

/// The statements run before duplicate removal: every line of the people
/// named on possibly repeated tickets counts again for their details (all
/// lines, when the reader saw too many to list).
#[tokio::test]
async fn before_duplicate_removal_the_people_of_repeated_tickets_count_again() {
    let db = TestDb::migrated().await;
    let mut conn = db.pool.acquire().await.unwrap();
    let mut tx = sqlx::Connection::begin(&mut *conn).await.unwrap();
    let not_counted = "SELECT coalesce(string_agg(line::text, ',' ORDER BY line), '')
                       FROM quicket_staging WHERE NOT details";
    for (statement, candidates, left) in [
        (
            include_str!("../../../queries/import_quicket_dedupe_people.sql"),
            None,
            "",
        ),
        (
            include_str!("../../../queries/import_quicket_dedupe_candidates_people.sql"),
            // T-1 is on lines 5 and 9, of p2 and p0: p1's lines stay.
            Some(vec!["T-1", "not-there"]),
            "4,7,10",
        ),
    ] {
        create_staging(&mut tx).await;
        sqlx::raw_sql(
            "INSERT INTO quicket_staging (line, ticket_number, purchased_at, extra, email,
                                          fingerprint, details)
             SELECT line, 'T-' || (line % 4), now(), '{}', 'P' || (line % 3) || '@example.org',
                    line, false
             FROM generate_series(2, 11) AS line",
        )
        .execute(&mut *tx)
        .await
        .unwrap();
        let mut query = sqlx::query(statement);
        if let Some(c) = candidates {
            query = query.bind(c);
        }
        query.execute(&mut *tx).await.unwrap();
        let lines: String = sqlx::query_scalar(not_counted)
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert_eq!(lines, left);
        drop_staging(&mut tx).await;
    }
}

/// Lines that repeat their person's previous line are not sorted for the
/// person's details; a line that goes back to an earlier value is not such a
/// line, and a person whose counted line was the earlier line of a repeated
/// ticket (dropped: the later line wins) takes their details from the lines
/// that stay.
#[tokio::test]
async fn repeated_details_are_skipped_without_changing_who_people_are() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "repeats.csv",
        "Ticket Number,Purchase Date,Email,First name,Cellphone\n\
         A-1,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         A-2,2026-03-14,ann@example.org,Annie,082 555 0001\n\
         A-3,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         A-4,2026-03-14,ann@example.org,Ann,082 555 0001\n\
         C-1,2026-03-14,cat@example.org,Cat,082 555 0003\n\
         C-2,2026-03-14,cat@example.org,Cat,082 555 0003\n\
         C-1,2026-03-14,dan@example.org,Dan,\n",
    );
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["tickets_created"], 6);
    assert_eq!(s["duplicate_rows"], 1);
    assert_eq!(s["contacts_created"], 3);
    assert_eq!(
        text(
            &db,
            "SELECT string_agg(concat_ws('|', c.first_name, c.phone, t.ticket_number), ', '
                               ORDER BY t.ticket_number)
             FROM tickets t JOIN contacts c ON c.id = t.contact_id"
        )
        .await
        .unwrap(),
        "Ann|082 555 0001|A-1, Ann|082 555 0001|A-2, Ann|082 555 0001|A-3, \
         Ann|082 555 0001|A-4, Dan|C-1, Cat|082 555 0003|C-2"
    );
}

#[tokio::test]
async fn one_person_on_several_lines_gets_the_latest_non_empty_details() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "family.csv",
        "Ticket Number,Purchase Date,Email,First name,Cellphone,Company\n\
         F-1,2026-03-14,ann@example.org,Ann,082 555 0001,Acme\n\
         F-2,2026-03-14,ANN@example.org,Annie,,\n\
         F-3,2026-03-14,bob@example.org,Bob,,\n",
    );
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_created"], 2);
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', c.email, c.first_name, c.phone, o.name) FROM contacts c
             JOIN organisations o ON o.id = c.organisation_id WHERE lower(c.email) = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "ANN@example.org|Annie|082 555 0001|Acme"
    );
    // Only an earlier line of a known person says something new: still
    // noticed, and the later line's name still wins.
    std::fs::write(
        &path,
        "Ticket Number,Purchase Date,Email,First name,Job Title\n\
         F-1,2026-03-14,ann@example.org,Ann,Data Engineer\n\
         F-2,2026-03-14,ANN@example.org,Annie,\n",
    )
    .unwrap();
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_updated"], 1);
    assert_eq!(
        text(
            &db,
            "SELECT concat_ws('|', first_name, job_title, phone) FROM contacts WHERE lower(email) = 'ann@example.org'"
        )
        .await
        .unwrap(),
        "Annie|Data Engineer|082 555 0001"
    );
    let again = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(again["contacts_updated"], 0);
}

/// attrib chooses each person's latest details while reading when every
/// email is ASCII (quicket::LatestDetails), and the database chooses them
/// from the staging table otherwise: on the same lines, the same people.
#[tokio::test]
async fn the_people_are_the_same_whether_attrib_or_the_database_chooses_their_details() {
    let mut seed = 0x2545_F491_4F6C_DD1Du64;
    let mut next = move |n: u64| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed % n
    };
    let mut lines = String::from(
        "Ticket Number,Purchase Date,Email,First name,Surname,Cellphone,Company,Job Title\n",
    );
    for ticket in 0..300 {
        let person = next(40);
        let email = match next(3) {
            0 => format!("p{person}@example.org"),
            1 => format!("P{person}@Example.org"),
            _ => format!("p{person}@EXAMPLE.ORG"),
        };
        let mut detail = |name: &str| match next(3) {
            0 => String::new(),
            n => format!("{name}{}", next(2) + n),
        };
        let (first, last, phone, company, job) = (
            detail("Name"),
            detail("Surname"),
            detail("082 555 00"),
            detail("Company "),
            detail("Job "),
        );
        lines.push_str(&format!(
            "T-{ticket},2026-03-14,{email},{first},{last},{phone},{company},{job}\n"
        ));
    }
    let people =
        "SELECT string_agg(concat_ws('|', c.email, c.first_name, c.last_name, c.phone, o.name,
                                           c.job_title), E'\\n' ORDER BY lower(c.email))
                  FROM contacts c LEFT JOIN organisations o ON o.id = c.organisation_id
                  WHERE c.email NOT LIKE 'zo%'";
    let holders =
        "SELECT string_agg(t.ticket_number || '=' || c.email, ' ' ORDER BY t.ticket_number)
                   FROM tickets t JOIN contacts c ON c.id = t.contact_id
                   WHERE c.email NOT LIKE 'zo%'";
    let mut seen = Vec::new();
    // One email that is not ASCII: the database chooses.
    for extra in ["", "Z-1,2026-03-14,zoë@example.org,Zoë,,,,\n"] {
        let db = db_with_event().await;
        let (_dir, path) = write_temp("people.csv", format!("{lines}{extra}"));
        let s = import_json(&db, &[path.to_str().unwrap()]);
        assert_eq!(
            s["contacts_created"],
            if extra.is_empty() { 40 } else { 41 },
            "{s}"
        );
        seen.push((
            text(&db, people).await.unwrap(),
            text(&db, holders).await.unwrap(),
        ));
    }
    assert_eq!(seen[0].0, seen[1].0);
    assert_eq!(seen[0].1, seen[1].1);
    assert!(seen[0].0.contains("Company"), "{}", seen[0].0);
}

#[tokio::test]
async fn a_known_person_without_a_company_gets_a_company_new_to_the_database() {
    let db = db_with_event().await;
    let (_dir, path) = write_temp(
        "first.csv",
        "Ticket Number,Purchase Date,Email,First name
N-1,2026-03-14,nomsa@example.org,Nomsa
",
    );
    import_json(&db, &[path.to_str().unwrap()]);
    std::fs::write(
        &path,
        "Ticket Number,Purchase Date,Email,First name,Company
         N-1,2026-03-14,nomsa@example.org,Nomsa,Ubuntu Analytics
",
    )
    .unwrap();
    let s = import_json(&db, &[path.to_str().unwrap()]);
    assert_eq!(s["contacts_updated"], 1, "{s}");
    assert_eq!(
        text(
            &db,
            "SELECT o.name FROM contacts c JOIN organisations o ON o.id = c.organisation_id
             WHERE c.email = 'nomsa@example.org'"
        )
        .await
        .as_deref(),
        Some("Ubuntu Analytics")
    );
}

/// The aggregate behind "the latest non-empty value" (migration 013): in
/// the order it is given, the first value that is not null, of any type.
#[tokio::test]
async fn first_not_null_keeps_the_first_value_given_and_skips_nulls() {
    let db = TestDb::migrated().await;
    let got: String = db
        .scalar(
            "SELECT string_agg(concat_ws(':', k, first_text, first_number), ' ' ORDER BY k)
             FROM (SELECT k, attrib.first_not_null(v ORDER BY i) AS first_text,
                          attrib.first_not_null(n ORDER BY i DESC) AS first_number
                   FROM (VALUES (1, 1, NULL, 10), (1, 2, 'b', NULL), (1, 3, 'c', 30),
                                (2, 1, NULL, NULL), (2, 2, NULL, NULL),
                                (3, 1, 'x', 7)) AS t(k, i, v, n)
                   GROUP BY k) AS firsts",
        )
        .await;
    assert_eq!(got, "1:b:30 2 3:x:7");
}
