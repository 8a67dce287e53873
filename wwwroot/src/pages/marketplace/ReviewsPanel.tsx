import { useState } from 'react';
import { api, errorMessage } from '../../api/client';
import type { ListingDetail } from '../../api/types';

type Review = ListingDetail['reviews'][number];

/** Reviews with the publisher's reply; the publisher (its own listing) replies once to each. */
export function ReviewsPanel({ kind, listing, isPublisher, canEdit, onReport, onChange }: {
  kind: 'tools' | 'flows'; listing: ListingDetail; isPublisher: boolean; canEdit: boolean;
  onReport: (reviewId: string) => void; onChange: (reviews: Review[]) => void;
}) {
  const [replying, setReplying] = useState<string | null>(null);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | null>(null);

  async function reply(reviewId: string) {
    setError(null);
    try {
      const r = await api.replyToReview(kind, listing.id, reviewId, text);
      onChange(listing.reviews.map((x) => (x.id === reviewId ? { ...x, reply: r.reply, repliedAt: r.repliedAt } : x)));
      setReplying(null);
      setText('');
    } catch (e) {
      setError(errorMessage(e));
    }
  }

  if (listing.reviews.length === 0) return null;
  return (
    <section className="card">
      <h2>Reviews</h2>
      {error && <p className="error small">{error}</p>}
      <ul>{listing.reviews.map((r) => (
        <li key={r.id} data-testid="review">
          {r.up ? '▲' : '▼'} {r.text ?? ''}
          {r.mine && r.held && <span className="muted small"> (yours; held: counted once your tenant is a few days old)</span>}
          {r.mine && r.hidden && <span className="muted small"> (yours; hidden after reports, pending moderation)</span>}
          {canEdit && !r.mine && r.text && (
            <button className="link small" onClick={() => onReport(r.id)} data-testid="report-review">Report</button>
          )}
          {r.reply && <blockquote className="small review-reply" data-testid="review-reply"><b>{listing.publisher}</b> replied: {r.reply}</blockquote>}
          {isPublisher && canEdit && !r.reply && r.text && replying !== r.id && (
            <button className="link small" onClick={() => { setReplying(r.id); setText(''); }} data-testid="reply-review">Reply</button>
          )}
          {replying === r.id && (
            <form className="row" onSubmit={(e) => { e.preventDefault(); void reply(r.id); }}>
              <input placeholder="Your reply (once per review)" value={text} maxLength={2000} onChange={(e) => setText(e.target.value)} required data-testid="reply-text" />
              <button type="submit" className="primary" data-testid="reply-submit">Reply</button>
            </form>
          )}
        </li>
      ))}</ul>
    </section>
  );
}
