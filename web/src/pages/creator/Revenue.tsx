import { PageTitle } from '../../components/ui.tsx';
export default function RevenuePage() {
  return <PageTitle>Revenue</PageTitle>;
}
