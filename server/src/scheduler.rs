//! Schedules: fires each active schedule at its cron times.
//!
//! The scheduler task sleeps until the earliest `next_ms` among active schedules, or until
//! [`crate::app::App`] notifies it that a schedule changed. Each firing publishes a message
//! with the schedule's settings, then records `lastScheduleTime`, the produced message ids and
//! the next firing time.
//!
//! Missed firings (the server was down): a schedule whose `next_ms` is in the past fires
//! **once** on start-up, then resumes at its next cron time after now (no burst of catch-up
//! firings). A firing's messages and its bookkeeping commit in one transaction, so a crash
//! neither loses nor repeats a firing.

use crate::app::App;
use crate::parse::cron::parse_cron;
use crate::store::schedules;
use std::time::Duration;

/// Runs until `stop` resolves.
pub async fn run(app: App, stop: tokio::sync::watch::Receiver<bool>) {
    let notify = app.schedules_changed();
    let mut stop = stop;
    loop {
        if *stop.borrow() {
            return;
        }
        let notified = notify.notified();
        let next = match fire_due(&app).await {
            Ok(n) => n,
            Err(e) => {
                tracing::error!("scheduler: {e}");
                Some(app.config().clock.now_ms() + 1000)
            }
        };
        let wait = match next {
            Some(t) => {
                Duration::from_millis(((t - app.config().clock.now_ms()).max(0) as u64).min(60_000))
            }
            // Nothing scheduled: sleep until a change (the cap keeps a test clock honest).
            None => Duration::from_secs(60),
        };
        tokio::select! {
            _ = tokio::time::sleep(wait) => {}
            _ = notified => {}
            _ = stop.changed() => {}
        }
    }
}

/// Fires every due schedule; returns the earliest next firing time.
async fn fire_due(app: &App) -> Result<Option<i64>, crate::app::AppError> {
    let now = app.config().clock.now_ms();
    let rows = app.store().read(schedules::all).await?;
    let mut earliest: Option<i64> = None;
    for row in rows {
        if row.paused {
            continue;
        }
        let Ok(cron) = parse_cron(&row.cron) else {
            continue;
        };
        let next = match row.next_ms {
            Some(t) if t <= now => {
                let next = cron.next_after(now);
                if let Err(e) = app.fire_schedule(&row, now, next).await {
                    // E.g. the URL group was deleted: the firing is skipped (and recorded),
                    // the schedule stays.
                    tracing::warn!("schedule {} firing failed: {e}", row.id);
                }
                next
            }
            Some(t) => Some(t),
            None => {
                let next = cron.next_after(now);
                let (user, id) = (row.user, row.id.clone());
                app.store()
                    .write(move |c| schedules::set_paused(c, user, &id, false, next))
                    .await?;
                next
            }
        };
        if let Some(t) = next {
            earliest = Some(earliest.map_or(t, |e: i64| e.min(t)));
        }
    }
    Ok(earliest)
}
