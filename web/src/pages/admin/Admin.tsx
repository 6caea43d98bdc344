import { PageTitle } from '../../components/ui.tsx';
export default function AdminPage() {
  return <PageTitle>Admin</PageTitle>;
}
