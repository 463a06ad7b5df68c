//! Paged API lists. Every list endpoint takes `?limit=` (default 100, at most 500) and
//! `?cursor=` and answers `{"items": […], "total": N, "next_cursor": "…" | null}`, with the
//! next page's address in a `Link: <…>; rel="next"` header as well.
//!
//! A cursor names the last item a page showed, so records added to the front of a list
//! meanwhile do not shift the next page; if that item was deleted, the next page starts at
//! the same position.

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse};
use serde::{Deserialize, Serialize};

use crate::error::{AppError, AppResult};

pub const DEFAULT_LIMIT: usize = 100;
pub const MAX_LIMIT: usize = 500;

/// `?limit=&cursor=`; the list's own filters are read by its own query type.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PageQuery {
    /// Items on a page, 1 to 500 (100 when not given).
    #[param(value_type = Option<u32>, minimum = 1, maximum = 500)]
    pub limit: Option<String>,
    /// Where the next page starts: a list's `next_cursor`.
    pub cursor: Option<String>,
}

/// Where a page starts and how long it is.
#[derive(Debug)]
pub struct Paging {
    pub limit: usize,
    after: Option<(usize, String)>,
}

impl PageQuery {
    pub fn paging(&self) -> AppResult<Paging> {
        let limit = match self
            .limit
            .as_deref()
            .map(str::trim)
            .filter(|l| !l.is_empty())
        {
            None => DEFAULT_LIMIT,
            Some(l) => l
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=MAX_LIMIT).contains(n))
                .ok_or_else(|| {
                    AppError::validation(format!(
                        "limit: {l:?} is not a number from 1 to {MAX_LIMIT}."
                    ))
                })?,
        };
        let after = match self.cursor.as_deref().filter(|c| !c.is_empty()) {
            None => None,
            Some(c) => Some(decode(c).ok_or_else(|| {
                AppError::validation("cursor: not a cursor fika gave out; start again without one.")
            })?),
        };
        Ok(Paging { limit, after })
    }
}

fn bad_cursor() -> AppError {
    AppError::validation("cursor: not a cursor fika gave out; start again without one.")
}

fn encode(offset: usize, key: &str) -> String {
    hex::encode(format!("{offset}.{key}"))
}

fn decode(cursor: &str) -> Option<(usize, String)> {
    let text = String::from_utf8(hex::decode(cursor).ok()?).ok()?;
    let (offset, key) = text.split_once('.')?;
    Some((offset.parse().ok()?, key.to_string()))
}

/// One page of a list.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Items in the whole list, with its filters.
    pub total: usize,
    pub next_cursor: Option<String>,
}

impl Paging {
    /// The id of the last item the previous page showed, for lists cut in the database.
    pub fn after_id(&self) -> AppResult<Option<i64>> {
        self.after
            .as_ref()
            .map(|(_, key)| key.parse::<i64>().map_err(|_| bad_cursor()))
            .transpose()
    }

    /// A page the database cut: `rows` are up to `limit + 1` items after the cursor (one
    /// more than shown, to know whether a next page exists); `total` counts the whole list.
    pub fn window<T>(&self, rows: Vec<T>, total: usize, key: impl Fn(&T) -> String) -> Page<T> {
        let offset = self.after.as_ref().map_or(0, |(o, _)| *o);
        self.cut(offset, rows, total, key)
    }

    /// The page of `all` (in the list's order) that follows the cursor; `key` names an item
    /// for good (its id or slug).
    pub fn slice<T>(&self, all: Vec<T>, key: impl Fn(&T) -> String) -> Page<T> {
        let total = all.len();
        let start = match &self.after {
            None => 0,
            Some((offset, last)) => all
                .iter()
                .position(|item| key(item) == *last)
                .map_or((*offset).min(total), |i| i + 1),
        };
        let rows = all.into_iter().skip(start).take(self.limit + 1).collect();
        self.cut(start, rows, total, key)
    }

    /// `rows` start at position `offset` of the list and hold one more item than shown when
    /// a next page exists.
    fn cut<T>(
        &self,
        offset: usize,
        mut rows: Vec<T>,
        total: usize,
        key: impl Fn(&T) -> String,
    ) -> Page<T> {
        let more = rows.len() > self.limit;
        rows.truncate(self.limit);
        let end = offset + rows.len();
        let next_cursor = more
            .then(|| rows.last().map(|item| encode(end, &key(item))))
            .flatten();
        Page {
            items: rows,
            total,
            next_cursor,
        }
    }
}

impl<T: Serialize> Page<T> {
    /// The JSON answer, with a `Link` header to the next page when there is one.
    pub fn respond(&self, req: &HttpRequest) -> HttpResponse {
        let mut res = HttpResponse::Ok();
        if let Some(next) = &self.next_cursor {
            let mut query = form_urlencoded::Serializer::new(String::new());
            for (k, v) in form_urlencoded::parse(req.query_string().as_bytes()) {
                if k != "cursor" {
                    query.append_pair(&k, &v);
                }
            }
            query.append_pair("cursor", next);
            res.insert_header((
                header::LINK,
                format!("<{}?{}>; rel=\"next\"", req.path(), query.finish()),
            ));
        }
        res.json(self)
    }
}

/// Answers one page of `all` for a list request: the common tail of every list handler.
pub fn respond<T: Serialize>(
    req: &HttpRequest,
    q: &PageQuery,
    all: Vec<T>,
    key: impl Fn(&T) -> String,
) -> AppResult<HttpResponse> {
    Ok(q.paging()?.slice(all, key).respond(req))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paging(limit: &str, cursor: Option<String>) -> Paging {
        PageQuery {
            limit: Some(limit.into()),
            cursor,
        }
        .paging()
        .expect("valid")
    }

    #[test]
    fn pages_follow_each_other_and_survive_inserts_at_the_front() {
        let all: Vec<i32> = (1..=7).collect();
        let first = paging("3", None).slice(all.clone(), |i| i.to_string());
        assert_eq!((first.items.clone(), first.total), (vec![1, 2, 3], 7));
        // Two records arrive at the front of a newest-first list meanwhile.
        let grown: Vec<i32> = [-1, 0].into_iter().chain(all.clone()).collect();
        let second = paging("3", first.next_cursor.clone()).slice(grown, |i| i.to_string());
        assert_eq!(second.items, vec![4, 5, 6]);
        let third = paging("3", second.next_cursor.clone()).slice(all.clone(), |i| i.to_string());
        assert_eq!((third.items, third.next_cursor), (vec![7], None));
        // The last item shown was deleted: the next page starts at the same position.
        let shrunk: Vec<i32> = all.iter().copied().filter(|i| *i != 3).collect();
        let again = paging("3", first.next_cursor).slice(shrunk, |i| i.to_string());
        assert_eq!(again.items, vec![5, 6, 7]);
    }

    #[test]
    fn limits_and_cursors_are_checked() {
        for bad in ["0", "501", "ten", "-1"] {
            let q = PageQuery {
                limit: Some(bad.into()),
                cursor: None,
            };
            assert!(q.paging().is_err(), "{bad}");
        }
        let q = PageQuery {
            limit: None,
            cursor: Some("zz".into()),
        };
        assert!(q.paging().is_err());
        assert_eq!(PageQuery::default().paging().expect("valid").limit, 100);
    }
}
