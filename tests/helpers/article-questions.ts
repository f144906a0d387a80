/** Questions about the article, and words only the passage that answers each one contains. */
export const ARTICLE_QUESTIONS: { q: string; answer: string; modes: ('hybrid' | 'dense' | 'lexical')[] }[] = [
  {
    q: 'Which country was the first to formally recognize the Taliban government?',
    answer: 'Moscow received the credentials',
    modes: ['hybrid', 'dense', 'lexical'],
  },
  { q: 'Who is the new Afghan ambassador to Russia?', answer: 'Moscow received the credentials', modes: ['hybrid', 'dense', 'lexical'] },
  { q: 'What did the Russian Supreme Court do in April?', answer: 'Supreme Court removed', modes: ['hybrid', 'dense', 'lexical'] },
  {
    q: 'What restrictions has the Taliban imposed on women?',
    answer: 'restrictions imposed by the Taliban on women',
    modes: ['hybrid', 'dense', 'lexical'],
  },
  {
    q: 'Which countries recognized the previous Taliban regime?',
    answer: 'Saudi Arabia, Pakistan, and the UAE',
    modes: ['hybrid', 'lexical'],
  },
  {
    q: 'In which sectors does Russia see prospects for economic cooperation?',
    answer: 'energy, transport, agriculture',
    modes: ['hybrid', 'dense', 'lexical'],
  },
  { q: 'What did Putin call the Taliban in July 2024?', answer: 'anti-terrorism ally', modes: ['hybrid', 'dense', 'lexical'] },
  { q: 'Who is the Afghan foreign minister?', answer: 'Amir Khan Muttaqi', modes: ['lexical'] },
  {
    q: 'Which flag was raised at the embassy in Moscow?',
    answer: 'flag of the Taliban-imposed Afghan state',
    modes: ['hybrid', 'dense', 'lexical'],
  },
];
