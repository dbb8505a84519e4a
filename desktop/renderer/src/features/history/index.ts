// Past calls: filters, timelines, CSV export.
export { HistoryScreen } from './HistoryScreen';
