import { PageTitle } from '../../components/ui.tsx';
export default function BusinessPage() {
  return <PageTitle>Business</PageTitle>;
}
